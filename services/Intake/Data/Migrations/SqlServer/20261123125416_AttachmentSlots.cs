using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AttachmentSlots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_attachment_ComplaintId",
                table: "attachment");

            migrationBuilder.AddColumn<int>(
                name: "Slot",
                table: "attachment",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_attachment_ComplaintId_Slot",
                table: "attachment",
                columns: new[] { "ComplaintId", "Slot" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_attachment_ComplaintId_Slot",
                table: "attachment");

            migrationBuilder.DropColumn(
                name: "Slot",
                table: "attachment");

            migrationBuilder.CreateIndex(
                name: "IX_attachment_ComplaintId",
                table: "attachment",
                column: "ComplaintId");
        }
    }
}
