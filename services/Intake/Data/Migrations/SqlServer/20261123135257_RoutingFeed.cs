using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RoutingFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AssignedHandler",
                table: "complaint",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "feed_checkpoint",
                columns: table => new
                {
                    Source = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feed_checkpoint", x => x.Source);
                });

            migrationBuilder.CreateTable(
                name: "processed_event",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    ProcessedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_event", x => x.EventId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feed_checkpoint");

            migrationBuilder.DropTable(
                name: "processed_event");

            migrationBuilder.DropColumn(
                name: "AssignedHandler",
                table: "complaint");
        }
    }
}
