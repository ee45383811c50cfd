using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessAuditAttachment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_access_audit_ComplaintId",
                table: "access_audit");

            migrationBuilder.AddColumn<Guid>(
                name: "AttachmentId",
                table: "access_audit",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_access_audit_ComplaintId_At_Id",
                table: "access_audit",
                columns: new[] { "ComplaintId", "At", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_access_audit_ComplaintId_At_Id",
                table: "access_audit");

            migrationBuilder.DropColumn(
                name: "AttachmentId",
                table: "access_audit");

            migrationBuilder.CreateIndex(
                name: "IX_access_audit_ComplaintId",
                table: "access_audit",
                column: "ComplaintId");
        }
    }
}
