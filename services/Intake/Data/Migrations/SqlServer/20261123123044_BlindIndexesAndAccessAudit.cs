using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class BlindIndexesAndAccessAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "EmailIndex",
                table: "complaint",
                type: "varbinary(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "PhoneIndex",
                table: "complaint",
                type: "varbinary(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "access_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Roles = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Purpose = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    ResultCount = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_audit", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_complaint_EmailIndex",
                table: "complaint",
                column: "EmailIndex");

            migrationBuilder.CreateIndex(
                name: "IX_complaint_PhoneIndex",
                table: "complaint",
                column: "PhoneIndex");

            migrationBuilder.CreateIndex(
                name: "IX_access_audit_ComplaintId",
                table: "access_audit",
                column: "ComplaintId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "access_audit");

            migrationBuilder.DropIndex(
                name: "IX_complaint_EmailIndex",
                table: "complaint");

            migrationBuilder.DropIndex(
                name: "IX_complaint_PhoneIndex",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "EmailIndex",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "PhoneIndex",
                table: "complaint");
        }
    }
}
