using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Insights.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SuggestionContactId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContactId",
                table: "suggestion",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ContactId",
                table: "suggestion");
        }
    }
}
