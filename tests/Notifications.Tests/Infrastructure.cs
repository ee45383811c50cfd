using Complaints.Notifications.Data;
using Complaints.TestSupport;

namespace Complaints.Notifications.Tests;

/// <summary>Notifications' schema on a real SQLite file of its own.</summary>
public sealed class NotificationsDb() : SqliteTestDb<NotificationsDbContext>("notifications", options => new NotificationsDbContext(options));
