using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Data;

public sealed class SqliteRoutingDbContext(DbContextOptions<SqliteRoutingDbContext> options) : RoutingDbContext(options);

public sealed class SqlServerRoutingDbContext(DbContextOptions<SqlServerRoutingDbContext> options) : RoutingDbContext(options);

public sealed class SqliteRoutingDesignFactory() : DesignTimeFactory<SqliteRoutingDbContext>(DatabaseProvider.Sqlite);

public sealed class SqlServerRoutingDesignFactory() : DesignTimeFactory<SqlServerRoutingDbContext>(DatabaseProvider.SqlServer);
