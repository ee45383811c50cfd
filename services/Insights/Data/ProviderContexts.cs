using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Data;

public sealed class SqliteInsightsDbContext(DbContextOptions<SqliteInsightsDbContext> options) : InsightsDbContext(options);

public sealed class SqlServerInsightsDbContext(DbContextOptions<SqlServerInsightsDbContext> options) : InsightsDbContext(options);

public sealed class SqliteInsightsDesignFactory() : DesignTimeFactory<SqliteInsightsDbContext>(DatabaseProvider.Sqlite);

public sealed class SqlServerInsightsDesignFactory() : DesignTimeFactory<SqlServerInsightsDbContext>(DatabaseProvider.SqlServer);
