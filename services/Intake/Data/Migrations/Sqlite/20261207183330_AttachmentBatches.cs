using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AttachmentBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BatchKey",
                table: "attachment",
                type: "TEXT",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "BatchSlot",
                table: "attachment",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<byte[]>(
                name: "ReplayKey",
                table: "attachment",
                type: "BLOB",
                maxLength: 32,
                nullable: true);

            // Earlier uploads (no batch key) keep their place: their slots were unique per complaint, so they are within one
            // batch per uploader too.
            migrationBuilder.Sql("UPDATE attachment SET BatchSlot = Slot");

            migrationBuilder.CreateIndex(
                name: "IX_attachment_ComplaintId_ReplayKey",
                table: "attachment",
                columns: new[] { "ComplaintId", "ReplayKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_attachment_ComplaintId_UploadedBy_BatchKey_BatchSlot",
                table: "attachment",
                columns: new[] { "ComplaintId", "UploadedBy", "BatchKey", "BatchSlot" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_attachment_ComplaintId_ReplayKey",
                table: "attachment");

            migrationBuilder.DropIndex(
                name: "IX_attachment_ComplaintId_UploadedBy_BatchKey_BatchSlot",
                table: "attachment");

            migrationBuilder.DropColumn(
                name: "BatchKey",
                table: "attachment");

            migrationBuilder.DropColumn(
                name: "BatchSlot",
                table: "attachment");

            migrationBuilder.DropColumn(
                name: "ReplayKey",
                table: "attachment");
        }
    }
}
