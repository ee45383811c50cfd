using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContactChannel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "PostalAddressCipher",
                table: "complaint",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PreferredContactChannel",
                table: "complaint",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PostalAddressCipher",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "PreferredContactChannel",
                table: "complaint");
        }
    }
}
