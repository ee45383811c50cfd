using Complaints.Intake.Data;
using Complaints.ServiceDefaults.Data;
using Complaints.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Complaints.Intake.Tests;

public class MigrationTests : MigrationTestsBase<SqliteIntakeDbContext, SqlServerIntakeDbContext>
{
    protected override IReadOnlyList<string> Tables => ["complaint", "event_log", "access_audit", "attachment", "attachment_blob", "tracking_grant"];

    [Fact]
    public async Task Migrations_PartnerComplaints_RecordThePartnerOfEarlierPartnerComplaints()
    {
        using var folder = new TempFolder();
        await using var db = DesignTimeFactory<SqliteIntakeDbContext>.Create(
            DesignTimeFactory<SqliteIntakeDbContext>.Options(DatabaseProvider.Sqlite, $"Data Source={folder.File("backfill.db")};Pooling=False"));
        var migrations = db.Database.GetMigrations().ToList();
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_PartnerComplaints", StringComparison.Ordinal)) - 1]);
        // (reference, source, channel, received by): a partner import, a partner submission on the partner channel, a
        // staff member's phone complaint, a staff import, the public's web complaint.
        (string Reference, string Source, int Channel, string? ReceivedBy)[] rows =
        [
            ("CMP-PI", "import:partner:crm-acme", 7, "crm-acme"),
            ("CMP-PS", "sub:crm-acme", 6, "crm-acme"),
            ("CMP-SP", "sub:agent-amy", 3, "agent-amy"),
            ("CMP-SI", "import:staff", 7, "admin-ann"),
            ("CMP-PW", "public", 1, null),
        ];
        foreach (var row in rows)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO complaint (Id, Reference, Source, IdempotencyKey, RequestHash, Channel, Category, Jurisdiction, PreferredLanguage,
                    Confidential, ReceivedAt, HasContact, ComplainantKind, ReceivedBy, ConsentContact, ConsentPublication, HasRepresentative,
                    Imported, ImportedClosed, LegalHold, Version, WrappedKey, SubjectCipher, DescriptionCipher)
                VALUES ({Guid.NewGuid()}, {row.Reference}, {row.Source}, {row.Reference}, x'00', {row.Channel}, 'billing', 0, 'en',
                    0, 0, 0, 1, {row.ReceivedBy}, 0, 0, 0, 0, 0, 0, 0, x'00', x'00', x'00')
                """);
        }

        await migrator.MigrateAsync();

        var partners = await db.Complaints.AsNoTracking().OrderBy(c => c.Reference).Select(c => new { c.Reference, c.PartnerId }).ToListAsync();
        Assert.Equal(
            [("CMP-PI", "crm-acme"), ("CMP-PS", "crm-acme"), ("CMP-PW", null), ("CMP-SI", null), ("CMP-SP", null)],
            partners.Select(p => (p.Reference, p.PartnerId)));
    }

    [Fact]
    public void Migrations_SqlServerScript_RecordsThePartnerOfEarlierPartnerComplaints()
    {
        var script = MigrationChecks.SqlServerScript<SqlServerIntakeDbContext>();

        // In EXEC, so that the batch that adds the column compiles.
        Assert.Contains("EXEC(N'UPDATE complaint SET PartnerId = SUBSTRING(Source, 16, 200) WHERE Source LIKE ''import:partner:%''')", script);
        Assert.Contains("CREATE INDEX [IX_complaint_PartnerId_ReceivedAt_Reference]", script);
    }

    [Fact]
    public async Task Migrations_AttachmentBatches_EarlierUploadsKeepTheirSlotsAsOneBatch()
    {
        using var folder = new TempFolder();
        await using var db = DesignTimeFactory<SqliteIntakeDbContext>.Create(
            DesignTimeFactory<SqliteIntakeDbContext>.Options(DatabaseProvider.Sqlite, $"Data Source={folder.File("batches.db")};Pooling=False"));
        var migrations = db.Database.GetMigrations().ToList();
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_AttachmentBatches", StringComparison.Ordinal)) - 1]);
        var complaint = Guid.NewGuid();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO complaint (Id, Reference, Source, IdempotencyKey, RequestHash, Channel, Category, Jurisdiction, PreferredLanguage,
                Confidential, ReceivedAt, HasContact, ComplainantKind, ConsentContact, ConsentPublication, HasRepresentative,
                Imported, ImportedClosed, LegalHold, Version, WrappedKey, SubjectCipher, DescriptionCipher)
            VALUES ({complaint}, 'CMP-AB', 'public', 'k', x'00', 1, 'billing', 0, 'en', 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, x'00', x'00', x'00')
            """);
        foreach (var slot in new[] { 0, 1, 3 })
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO attachment (Id, ComplaintId, Slot, FileNameCipher, ContentType, Size, Sha256, UploadedAt, UploadedBy)
                VALUES ({Guid.NewGuid()}, {complaint}, {slot}, x'00', 'application/pdf', 1, 'ab', 0, 'complainant')
                """);
        }

        await migrator.MigrateAsync();

        var rows = await db.Attachments.AsNoTracking().OrderBy(a => a.Slot).Select(a => new { a.Slot, a.BatchKey, a.BatchSlot, a.ReplayKey }).ToListAsync();
        Assert.Equal([(0, "", 0), (1, "", 1), (3, "", 3)], rows.Select(r => (r.Slot, r.BatchKey, r.BatchSlot)));
        Assert.All(rows, r => Assert.Null(r.ReplayKey));
    }

    [Fact]
    public void Migrations_SqlServerScript_BackfillsBatchSlotsBeforeTheirUniqueIndex()
    {
        var script = MigrationChecks.SqlServerScript<SqlServerIntakeDbContext>();

        var update = script.IndexOf("EXEC(N'UPDATE attachment SET BatchSlot = Slot')", StringComparison.Ordinal);
        Assert.True(update > 0);
        Assert.True(script.IndexOf("CREATE UNIQUE INDEX [IX_attachment_ComplaintId_UploadedBy_BatchKey_BatchSlot]", StringComparison.Ordinal) > update);
        Assert.Contains("CREATE UNIQUE INDEX [IX_attachment_ComplaintId_ReplayKey] ON [attachment] ([ComplaintId], [ReplayKey]) WHERE [ReplayKey] IS NOT NULL", script);
    }
}
