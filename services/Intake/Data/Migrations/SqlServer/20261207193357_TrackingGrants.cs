using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
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
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TokenHash = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: false),
                    TokenCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    AddressIndex = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: true),
                    Channel = table.Column<int>(type: "int", nullable: false),
                    IssuedAt = table.Column<long>(type: "bigint", nullable: false),
                    IssuedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Slot = table.Column<int>(type: "int", nullable: false),
                    MessageId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    TokenDiscardedAt = table.Column<long>(type: "bigint", nullable: true)
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
