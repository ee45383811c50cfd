using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Data;

public sealed class SqliteIntakeDbContext(DbContextOptions<SqliteIntakeDbContext> options) : IntakeDbContext(options);

public sealed class SqlServerIntakeDbContext(DbContextOptions<SqlServerIntakeDbContext> options) : IntakeDbContext(options);

public sealed class SqliteIntakeDesignFactory() : DesignTimeFactory<SqliteIntakeDbContext>(DatabaseProvider.Sqlite);

public sealed class SqlServerIntakeDesignFactory() : DesignTimeFactory<SqlServerIntakeDbContext>(DatabaseProvider.SqlServer);
