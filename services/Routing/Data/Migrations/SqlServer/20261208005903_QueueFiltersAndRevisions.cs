using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Routing.Data.Migrations.SqlServer
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
                    Seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Reference = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Status = table.Column<int>(type: "int", nullable: false),
                    Severity = table.Column<int>(type: "int", nullable: false),
                    EscalationTier = table.Column<int>(type: "int", nullable: false),
                    Channel = table.Column<int>(type: "int", nullable: false),
                    Jurisdiction = table.Column<int>(type: "int", nullable: false),
                    Confidential = table.Column<bool>(type: "bit", nullable: false),
                    QueueId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    AssigneeId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    AwaitingApproval = table.Column<bool>(type: "bit", nullable: false),
                    NextDeadline = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_revision", x => x.Seq);
                });

            // A first revision of every existing case, so a queue watch can tell when one leaves a filtered set.
            migrationBuilder.Sql(
                "INSERT INTO case_revision (ComplaintId, Reference, Status, Severity, EscalationTier, Channel, Jurisdiction, Confidential, QueueId, AssigneeId, AwaitingApproval, NextDeadline) " +
                "SELECT ComplaintId, Reference, Status, Severity, EscalationTier, Channel, Jurisdiction, Confidential, QueueId, AssigneeId, AwaitingApproval, NextDeadline FROM [case];");

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
