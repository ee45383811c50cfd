using Complaints.Routing.Data;
using Complaints.TestSupport;

namespace Complaints.Routing.Tests;

/// <summary>Routing's schema on a real SQLite file of its own.</summary>
public sealed class RoutingDb() : SqliteTestDb<RoutingDbContext>("routing", options => new RoutingDbContext(options));
