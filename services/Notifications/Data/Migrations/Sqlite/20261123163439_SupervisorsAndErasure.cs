using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Notifications.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SupervisorsAndErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Erased",
                table: "message",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "message",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "queue_supervisors",
                columns: table => new
                {
                    QueueId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SupervisorIds = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_queue_supervisors", x => x.QueueId);
                });

            // Keep what the cases knew: each queue's supervisors from its cases' last assignment.
            migrationBuilder.Sql(
                "INSERT INTO queue_supervisors (QueueId, SupervisorIds, UpdatedAt) " +
                "SELECT QueueId, MAX(SupervisorIds), 0 FROM case_context WHERE QueueId IS NOT NULL AND SupervisorIds <> '' GROUP BY QueueId");

            migrationBuilder.DropColumn(
                name: "SupervisorIds",
                table: "case_context");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "queue_supervisors");

            migrationBuilder.DropColumn(
                name: "Erased",
                table: "message");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "message");

            migrationBuilder.AddColumn<string>(
                name: "SupervisorIds",
                table: "case_context",
                type: "TEXT",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");
        }
    }
}
