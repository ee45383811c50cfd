using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ImportedHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Imported",
                table: "complaint",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "ImportedClosed",
                table: "complaint",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "complaint",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Imported",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "ImportedClosed",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "complaint");
        }
    }
}
