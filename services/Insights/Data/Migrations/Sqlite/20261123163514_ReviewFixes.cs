using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Insights.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReviewFixes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The old links joined a complaint to the term rows (so to its words): dropped, not converted. Links are
            // made again for every complaint by a rebuild (docs/insights.md, "Upgrading").
            migrationBuilder.DropTable(
                name: "complaint_term");

            migrationBuilder.CreateTable(
                name: "complaint_term",
                columns: table => new
                {
                    ComplaintId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    Hashes = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_term", x => new { x.ComplaintId, x.Source });
                });
            migrationBuilder.AddColumn<long>(
                name: "WithdrawnAt",
                table: "survey",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosedCfpbKey",
                table: "case_fact",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "ClosedDay",
                table: "case_fact",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosedQueue",
                table: "case_fact",
                type: "TEXT",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "ClosedUpheld",
                table: "case_fact",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "FirstQueue",
                table: "case_fact",
                type: "TEXT",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "lease",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastRebuildId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Rebuilds = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lease", x => x.Name);
                });
            // Existing cases: their queue now is the best guess at their first (a rebuild sets it exactly).
            migrationBuilder.Sql("UPDATE case_fact SET FirstQueue = Queue;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "complaint_term");

            migrationBuilder.CreateTable(
                name: "complaint_term",
                columns: table => new
                {
                    ComplaintId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TermCountId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_term", x => new { x.ComplaintId, x.TermCountId });
                    table.ForeignKey(
                        name: "FK_complaint_term_term_count_TermCountId",
                        column: x => x.TermCountId,
                        principalTable: "term_count",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_complaint_term_TermCountId",
                table: "complaint_term",
                column: "TermCountId");

            migrationBuilder.DropTable(
                name: "lease");

            migrationBuilder.DropColumn(
                name: "WithdrawnAt",
                table: "survey");

            migrationBuilder.DropColumn(
                name: "ClosedCfpbKey",
                table: "case_fact");

            migrationBuilder.DropColumn(
                name: "ClosedDay",
                table: "case_fact");

            migrationBuilder.DropColumn(
                name: "ClosedQueue",
                table: "case_fact");

            migrationBuilder.DropColumn(
                name: "ClosedUpheld",
                table: "case_fact");

            migrationBuilder.DropColumn(
                name: "FirstQueue",
                table: "case_fact");
        }
    }
}
