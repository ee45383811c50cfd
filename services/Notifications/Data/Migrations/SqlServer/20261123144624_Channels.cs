using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Notifications.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Channels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Audience",
                table: "message",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Recipient",
                table: "message",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Replays",
                table: "message",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "case_context",
                columns: table => new
                {
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Reference = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Channel = table.Column<int>(type: "int", nullable: false),
                    Language = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    HasContact = table.Column<bool>(type: "bit", nullable: false),
                    QueueId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    AssigneeId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    SupervisorIds = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_context", x => x.ComplaintId);
                });

            migrationBuilder.CreateTable(
                name: "channel_preference",
                columns: table => new
                {
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Email = table.Column<bool>(type: "bit", nullable: false),
                    Sms = table.Column<bool>(type: "bit", nullable: false),
                    Push = table.Column<bool>(type: "bit", nullable: false),
                    OptedOut = table.Column<bool>(type: "bit", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_channel_preference", x => x.ComplaintId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_context");

            migrationBuilder.DropTable(
                name: "channel_preference");

            migrationBuilder.DropColumn(
                name: "Audience",
                table: "message");

            migrationBuilder.DropColumn(
                name: "Recipient",
                table: "message");

            migrationBuilder.DropColumn(
                name: "Replays",
                table: "message");
        }
    }
}
