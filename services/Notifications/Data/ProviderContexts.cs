using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Data;

public sealed class SqliteNotificationsDbContext(DbContextOptions<SqliteNotificationsDbContext> options) : NotificationsDbContext(options);

public sealed class SqlServerNotificationsDbContext(DbContextOptions<SqlServerNotificationsDbContext> options) : NotificationsDbContext(options);

public sealed class SqliteNotificationsDesignFactory() : DesignTimeFactory<SqliteNotificationsDbContext>(DatabaseProvider.Sqlite);

public sealed class SqlServerNotificationsDesignFactory() : DesignTimeFactory<SqlServerNotificationsDbContext>(DatabaseProvider.SqlServer);
