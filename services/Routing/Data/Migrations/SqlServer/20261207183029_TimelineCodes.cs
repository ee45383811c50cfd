using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Routing.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TimelineCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Code",
                table: "case_timeline",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Parameters",
                table: "case_timeline",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Code",
                table: "case_timeline");

            migrationBuilder.DropColumn(
                name: "Parameters",
                table: "case_timeline");
        }
    }
}
