using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Routing.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agent",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    DisplayName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Languages = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Categories = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Capacity = table.Column<int>(type: "int", nullable: false),
                    Active = table.Column<bool>(type: "bit", nullable: false),
                    QueueIds = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Email = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case",
                columns: table => new
                {
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Reference = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Status = table.Column<int>(type: "int", nullable: false),
                    Category = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Subcategory = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    Channel = table.Column<int>(type: "int", nullable: false),
                    Jurisdiction = table.Column<int>(type: "int", nullable: false),
                    ComplainantKind = table.Column<int>(type: "int", nullable: false),
                    PreferredLanguage = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    Confidential = table.Column<bool>(type: "bit", nullable: false),
                    HasContact = table.Column<bool>(type: "bit", nullable: false),
                    AmountInDispute = table.Column<decimal>(type: "decimal(19,4)", precision: 19, scale: 4, nullable: true),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: true),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false),
                    OpenedAt = table.Column<long>(type: "bigint", nullable: false),
                    Severity = table.Column<int>(type: "int", nullable: false),
                    SeverityOverridden = table.Column<bool>(type: "bit", nullable: false),
                    EscalationTier = table.Column<int>(type: "int", nullable: false),
                    QueueId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    AssigneeId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    DesignatedContactId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    AcknowledgeBy = table.Column<long>(type: "bigint", nullable: true),
                    FirstResponseBy = table.Column<long>(type: "bigint", nullable: true),
                    ResolveBy = table.Column<long>(type: "bigint", nullable: true),
                    StatutoryAcknowledgeBy = table.Column<long>(type: "bigint", nullable: true),
                    FinalResponseDue = table.Column<long>(type: "bigint", nullable: true),
                    NextDeadline = table.Column<long>(type: "bigint", nullable: true),
                    StatutoryExtended = table.Column<bool>(type: "bit", nullable: false),
                    AcknowledgedAt = table.Column<long>(type: "bigint", nullable: true),
                    FirstRespondedAt = table.Column<long>(type: "bigint", nullable: true),
                    InformationRequestEntryId = table.Column<long>(type: "bigint", nullable: true),
                    InformationDueAt = table.Column<long>(type: "bigint", nullable: true),
                    Findings = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    RootCause = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    RootCauseDetail = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    CorrectiveAction = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    Outcome = table.Column<int>(type: "int", nullable: false),
                    ResolutionSummary = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    RemedyApology = table.Column<bool>(type: "bit", nullable: false),
                    RemedyExplanation = table.Column<bool>(type: "bit", nullable: false),
                    RefundAmount = table.Column<decimal>(type: "decimal(19,4)", precision: 19, scale: 4, nullable: true),
                    RefundCurrency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: true),
                    CompensationAmount = table.Column<decimal>(type: "decimal(19,4)", precision: 19, scale: 4, nullable: true),
                    CompensationCurrency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: true),
                    NonMonetaryRelief = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    AwaitingApproval = table.Column<bool>(type: "bit", nullable: false),
                    ResolutionApproved = table.Column<bool>(type: "bit", nullable: false),
                    ProposedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ApprovedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    FinalResponseSentAt = table.Column<long>(type: "bigint", nullable: true),
                    ResolvedAt = table.Column<long>(type: "bigint", nullable: true),
                    ClosedAt = table.Column<long>(type: "bigint", nullable: true),
                    ReopenRequested = table.Column<bool>(type: "bit", nullable: false),
                    MergedIntoReference = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    SourceOutcome = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    WrappedKey = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    EntryCount = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case", x => x.ComplaintId);
                });

            migrationBuilder.CreateTable(
                name: "case_clock",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    StartedAt = table.Column<long>(type: "bigint", nullable: false),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    Pausable = table.Column<bool>(type: "bit", nullable: false),
                    PausedAt = table.Column<long>(type: "bigint", nullable: true),
                    StoppedAt = table.Column<long>(type: "bigint", nullable: true),
                    Breached = table.Column<bool>(type: "bit", nullable: false),
                    LastPercentFired = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_clock", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "clock_firing",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    Percent = table.Column<int>(type: "int", nullable: false),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    FiredAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_clock_firing", x => x.Id);
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

            migrationBuilder.CreateTable(
                name: "feed_checkpoint",
                columns: table => new
                {
                    Source = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feed_checkpoint", x => x.Source);
                });

            migrationBuilder.CreateTable(
                name: "processed_event",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    ProcessedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_event", x => x.EventId);
                });

            migrationBuilder.CreateTable(
                name: "queue",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    DesignatedContactId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    SupervisorIds = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_queue", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "routing_rules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Json = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_routing_rules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "agent_absence",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    AgentId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    From = table.Column<long>(type: "bigint", nullable: false),
                    Until = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_absence", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agent_absence_agent_AgentId",
                        column: x => x.AgentId,
                        principalTable: "agent",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "case_timeline",
                columns: table => new
                {
                    ComplaintId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Seq = table.Column<int>(type: "int", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Title = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Detail = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    Reason = table.Column<byte[]>(type: "varbinary(max)", nullable: true),
                    IsPublic = table.Column<bool>(type: "bit", nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    FromStatus = table.Column<int>(type: "int", nullable: true),
                    ToStatus = table.Column<int>(type: "int", nullable: true),
                    CommandId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_timeline", x => new { x.ComplaintId, x.Seq });
                    table.ForeignKey(
                        name: "FK_case_timeline_case_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "case",
                        principalColumn: "ComplaintId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_agent_absence_AgentId",
                table: "agent_absence",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_case_AssigneeId_Status",
                table: "case",
                columns: new[] { "AssigneeId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_case_NextDeadline",
                table: "case",
                column: "NextDeadline");

            migrationBuilder.CreateIndex(
                name: "IX_case_QueueId_Status",
                table: "case",
                columns: new[] { "QueueId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_case_Reference",
                table: "case",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_clock_ComplaintId_Kind",
                table: "case_clock",
                columns: new[] { "ComplaintId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_clock_StoppedAt_DueAt",
                table: "case_clock",
                columns: new[] { "StoppedAt", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_case_timeline_CommandId",
                table: "case_timeline",
                column: "CommandId",
                unique: true,
                filter: "[CommandId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_clock_firing_ComplaintId_Kind_Percent_DueAt",
                table: "clock_firing",
                columns: new[] { "ComplaintId", "Kind", "Percent", "DueAt" },
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
                name: "agent_absence");

            migrationBuilder.DropTable(
                name: "case_clock");

            migrationBuilder.DropTable(
                name: "case_timeline");

            migrationBuilder.DropTable(
                name: "clock_firing");

            migrationBuilder.DropTable(
                name: "event_log");

            migrationBuilder.DropTable(
                name: "feed_checkpoint");

            migrationBuilder.DropTable(
                name: "processed_event");

            migrationBuilder.DropTable(
                name: "queue");

            migrationBuilder.DropTable(
                name: "routing_rules");

            migrationBuilder.DropTable(
                name: "agent");

            migrationBuilder.DropTable(
                name: "case");
        }
    }
}
