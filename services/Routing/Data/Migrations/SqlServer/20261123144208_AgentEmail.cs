using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Routing.Data.Migrations.SqlServer
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
                type: "nvarchar(254)",
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
