using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ComplaintVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Version",
                table: "complaint",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Version",
                table: "complaint");
        }
    }
}
