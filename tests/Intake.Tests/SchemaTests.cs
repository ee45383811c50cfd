using Complaints.Intake.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>No SQL Server engine runs here: the model is checked by generating its SQL Server DDL.</summary>
public class SchemaTests
{
    [Fact]
    public void IntakeDbContext_SqlServerProvider_GeneratesSchemaWithUniqueIdempotencyIndex()
    {
        var options = new DbContextOptionsBuilder<IntakeDbContext>()
            .UseSqlServer("Server=unused;Database=intake;Trusted_Connection=True;TrustServerCertificate=True")
            .Options;
        using var db = new IntakeDbContext(options);

        var script = db.Database.GenerateCreateScript();

        Assert.Contains("CREATE TABLE [complaint]", script);
        Assert.Contains("CREATE TABLE [event_log]", script);
        Assert.Contains("IDENTITY", script);
        Assert.Contains("CREATE UNIQUE INDEX [IX_complaint_Source_IdempotencyKey]", script);
    }
}
