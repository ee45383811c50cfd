using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "complaint",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Reference = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    RequestHash = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    Channel = table.Column<int>(type: "int", nullable: false),
                    Category = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Jurisdiction = table.Column<int>(type: "int", nullable: false),
                    PreferredLanguage = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    Confidential = table.Column<bool>(type: "bit", nullable: false),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false),
                    HasContact = table.Column<bool>(type: "bit", nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    SubjectCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    DescriptionCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    RemedySoughtCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    NameCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    EmailCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    PhoneCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "event_log",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    EventId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Type = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    OccurredAt = table.Column<long>(type: "bigint", nullable: false),
                    TraceParent = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    TraceState = table.Column<string>(type: "nvarchar(512)", maxLength: 512, nullable: true),
                    AggregateId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Payload = table.Column<byte[]>(type: "varbinary(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_log", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_complaint_Reference",
                table: "complaint",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_complaint_Source_IdempotencyKey",
                table: "complaint",
                columns: new[] { "Source", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_event_log_EventId",
                table: "event_log",
                column: "EventId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "complaint");

            migrationBuilder.DropTable(
                name: "event_log");
        }
    }
}
