using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartnerComplaints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PartnerId",
                table: "complaint",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_complaint_PartnerId_ReceivedAt_Reference",
                table: "complaint",
                columns: new[] { "PartnerId", "ReceivedAt", "Reference" });

            // The partner of earlier complaints. A partner import's source names it ("import:partner:" is 15 characters).
            migrationBuilder.Sql(
                "UPDATE complaint SET PartnerId = substr(Source, 16) WHERE Source LIKE 'import:partner:%'");
            // A submission's source is the token's subject, a partner's or a staff member's alike: as the partner webhook
            // rule reads it (ContactLookup), the partner channel with the caller as receiver was a partner's.
            migrationBuilder.Sql(
                "UPDATE complaint SET PartnerId = ReceivedBy WHERE PartnerId IS NULL AND Channel = 6 AND ReceivedBy IS NOT NULL AND Source = 'sub:' || ReceivedBy");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_complaint_PartnerId_ReceivedAt_Reference",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "PartnerId",
                table: "complaint");
        }
    }
}
