using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Insights.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SuggestionReferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "suggestion",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reference",
                table: "suggestion",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_suggestion_IdempotencyKey",
                table: "suggestion",
                column: "IdempotencyKey",
                unique: true,
                filter: "[IdempotencyKey] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_suggestion_Reference",
                table: "suggestion",
                column: "Reference",
                unique: true,
                filter: "[Reference] IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_suggestion_IdempotencyKey",
                table: "suggestion");

            migrationBuilder.DropIndex(
                name: "IX_suggestion_Reference",
                table: "suggestion");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "suggestion");

            migrationBuilder.DropColumn(
                name: "Reference",
                table: "suggestion");
        }
    }
}
