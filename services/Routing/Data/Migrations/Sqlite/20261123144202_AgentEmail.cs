using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Routing.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AgentEmail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Email",
                table: "agent",
                type: "TEXT",
                maxLength: 254,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Email",
                table: "agent");
        }
    }
}
