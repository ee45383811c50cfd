using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Notifications.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Recipient",
                table: "message",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Replays",
                table: "message",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "case_context",
                columns: table => new
                {
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Channel = table.Column<int>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 35, nullable: false),
                    HasContact = table.Column<bool>(type: "INTEGER", nullable: false),
                    QueueId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AssigneeId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SupervisorIds = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_context", x => x.ComplaintId);
                });

            migrationBuilder.CreateTable(
                name: "channel_preference",
                columns: table => new
                {
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<bool>(type: "INTEGER", nullable: false),
                    Sms = table.Column<bool>(type: "INTEGER", nullable: false),
                    Push = table.Column<bool>(type: "INTEGER", nullable: false),
                    OptedOut = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
