using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SuggestionContacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "suggestion_contact",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    EmailCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    EmailIndex = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: true),
                    RequestKey = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: true),
                    Language = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    RegisteredAt = table.Column<long>(type: "bigint", nullable: false),
                    MessageId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    ForgottenAt = table.Column<long>(type: "bigint", nullable: true),
                    ForgottenBecause = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_suggestion_contact", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_suggestion_contact_EmailIndex",
                table: "suggestion_contact",
                column: "EmailIndex");

            migrationBuilder.CreateIndex(
                name: "IX_suggestion_contact_MessageId",
                table: "suggestion_contact",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_suggestion_contact_RegisteredAt",
                table: "suggestion_contact",
                column: "RegisteredAt");

            migrationBuilder.CreateIndex(
                name: "IX_suggestion_contact_RequestKey",
                table: "suggestion_contact",
                column: "RequestKey",
                unique: true,
                filter: "[RequestKey] IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "suggestion_contact");
        }
    }
}
