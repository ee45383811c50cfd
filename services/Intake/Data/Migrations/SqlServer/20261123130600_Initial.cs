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
                name: "access_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Roles = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Purpose = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    ResultCount = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "attachment",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Slot = table.Column<int>(type: "int", nullable: false),
                    FileNameCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    ContentType = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    DeclaredContentType = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<long>(type: "bigint", nullable: false),
                    UploadedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attachment", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "attachment_blob",
                columns: table => new
                {
                    AttachmentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Content = table.Column<byte[]>(type: "varbinary(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attachment_blob", x => x.AttachmentId);
                });

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
                    Category = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Jurisdiction = table.Column<int>(type: "int", nullable: false),
                    PreferredLanguage = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    Confidential = table.Column<bool>(type: "bit", nullable: false),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false),
                    HasContact = table.Column<bool>(type: "bit", nullable: false),
                    ComplainantKind = table.Column<int>(type: "int", nullable: false),
                    Subcategory = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    ReceivedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    EventDate = table.Column<DateOnly>(type: "date", nullable: true),
                    AmountInDispute = table.Column<decimal>(type: "decimal(18,4)", precision: 18, scale: 4, nullable: true),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: true),
                    TimeZone = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ConsentContact = table.Column<bool>(type: "bit", nullable: false),
                    ConsentPublication = table.Column<bool>(type: "bit", nullable: false),
                    HasRepresentative = table.Column<bool>(type: "bit", nullable: false),
                    Imported = table.Column<bool>(type: "bit", nullable: false),
                    ImportedClosed = table.Column<bool>(type: "bit", nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ErasedAt = table.Column<long>(type: "bigint", nullable: true),
                    ClosedAt = table.Column<long>(type: "bigint", nullable: true),
                    LegalHold = table.Column<bool>(type: "bit", nullable: false),
                    LegalHoldReason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    WrappedKey = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    SubjectCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    DescriptionCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    RemedySoughtCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    NameCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    EmailCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    PhoneCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    MemberNumberCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    EmailIndex = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: true),
                    PhoneIndex = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: true),
                    RepresentativeCipher = table.Column<byte[]>(type: "varbinary(max)", nullable: true)
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
                name: "IX_access_audit_ComplaintId",
                table: "access_audit",
                column: "ComplaintId");

            migrationBuilder.CreateIndex(
                name: "IX_attachment_ComplaintId_Slot",
                table: "attachment",
                columns: new[] { "ComplaintId", "Slot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_complaint_EmailIndex",
                table: "complaint",
                column: "EmailIndex");

            migrationBuilder.CreateIndex(
                name: "IX_complaint_PhoneIndex",
                table: "complaint",
                column: "PhoneIndex");

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
                name: "access_audit");

            migrationBuilder.DropTable(
                name: "attachment");

            migrationBuilder.DropTable(
                name: "attachment_blob");

            migrationBuilder.DropTable(
                name: "complaint");

            migrationBuilder.DropTable(
                name: "event_log");
        }
    }
}
