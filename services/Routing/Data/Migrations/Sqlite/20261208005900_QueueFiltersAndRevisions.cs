using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Routing.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QueueFiltersAndRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_revision",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    EscalationTier = table.Column<int>(type: "INTEGER", nullable: false),
                    Channel = table.Column<int>(type: "INTEGER", nullable: false),
                    Jurisdiction = table.Column<int>(type: "INTEGER", nullable: false),
                    Confidential = table.Column<bool>(type: "INTEGER", nullable: false),
                    QueueId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AssigneeId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AwaitingApproval = table.Column<bool>(type: "INTEGER", nullable: false),
                    NextDeadline = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_revision", x => x.Seq);
                });

            // A first revision of every existing case, so a queue watch can tell when one leaves a filtered set.
            migrationBuilder.Sql(
                "INSERT INTO case_revision (ComplaintId, Reference, Status, Severity, EscalationTier, Channel, Jurisdiction, Confidential, QueueId, AssigneeId, AwaitingApproval, NextDeadline) " +
                "SELECT ComplaintId, Reference, Status, Severity, EscalationTier, Channel, Jurisdiction, Confidential, QueueId, AssigneeId, AwaitingApproval, NextDeadline FROM \"case\";");

            migrationBuilder.CreateIndex(
                name: "IX_case_QueueId_NextDeadline",
                table: "case",
                columns: new[] { "QueueId", "NextDeadline" });

            migrationBuilder.CreateIndex(
                name: "IX_case_ReceivedAt",
                table: "case",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_case_revision_ComplaintId_Seq",
                table: "case_revision",
                columns: new[] { "ComplaintId", "Seq" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_revision");

            migrationBuilder.DropIndex(
                name: "IX_case_QueueId_NextDeadline",
                table: "case");

            migrationBuilder.DropIndex(
                name: "IX_case_ReceivedAt",
                table: "case");
        }
    }
}
