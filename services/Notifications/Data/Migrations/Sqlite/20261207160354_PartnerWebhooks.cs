using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Notifications.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartnerWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "partner_webhook",
                columns: table => new
                {
                    PartnerId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SealedSecret = table.Column<byte[]>(type: "BLOB", maxLength: 512, nullable: false),
                    SealedPreviousSecret = table.Column<byte[]>(type: "BLOB", maxLength: 512, nullable: true),
                    PreviousSecretValidUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    SecretIssued = table.Column<bool>(type: "INTEGER", nullable: false),
                    Disabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    PartnerDisabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SecretRotatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partner_webhook", x => x.PartnerId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "partner_webhook");
        }
    }
}
