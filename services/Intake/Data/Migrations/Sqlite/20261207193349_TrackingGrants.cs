using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TrackingGrants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tracking_grant",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    TokenCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    AddressIndex = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    Channel = table.Column<int>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Slot = table.Column<int>(type: "INTEGER", nullable: false),
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TokenDiscardedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tracking_grant", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tracking_grant_ComplaintId_IssuedOn_Slot",
                table: "tracking_grant",
                columns: new[] { "ComplaintId", "IssuedOn", "Slot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tracking_grant_MessageId",
                table: "tracking_grant",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_tracking_grant_TokenHash",
                table: "tracking_grant",
                column: "TokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tracking_grant");
        }
    }
}
