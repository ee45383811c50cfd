using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Notifications.Data.Migrations.SqlServer
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
                    PartnerId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    SealedSecret = table.Column<byte[]>(type: "varbinary(512)", maxLength: 512, nullable: false),
                    SealedPreviousSecret = table.Column<byte[]>(type: "varbinary(512)", maxLength: 512, nullable: true),
                    PreviousSecretValidUntil = table.Column<long>(type: "bigint", nullable: true),
                    SecretIssued = table.Column<bool>(type: "bit", nullable: false),
                    Disabled = table.Column<bool>(type: "bit", nullable: false),
                    PartnerDisabled = table.Column<bool>(type: "bit", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    SecretRotatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false)
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
