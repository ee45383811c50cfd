using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Insights.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FeedbackAndMetrics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_fact",
                columns: table => new
                {
                    ComplaintId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Subcategory = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Jurisdiction = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    FcaProductGroup = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CfpbProduct = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    HasContact = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Open = table.Column<bool>(type: "INTEGER", nullable: false),
                    Escalated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<bool>(type: "INTEGER", nullable: false),
                    Resolved = table.Column<bool>(type: "INTEGER", nullable: false),
                    HasStatutoryDeadline = table.Column<bool>(type: "INTEGER", nullable: false),
                    WithinStatutory = table.Column<bool>(type: "INTEGER", nullable: false),
                    MonetaryRelief = table.Column<bool>(type: "INTEGER", nullable: false),
                    Erased = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_fact", x => x.ComplaintId);
                });

            migrationBuilder.CreateTable(
                name: "daily_metric",
                columns: table => new
                {
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_daily_metric", x => new { x.Dimension, x.Day, x.Key, x.Metric });
                });

            migrationBuilder.CreateTable(
                name: "event_log",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TraceParent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TraceState = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    AggregateId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_log", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "signal",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Term = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SinceDay = table.Column<int>(type: "INTEGER", nullable: false),
                    LastDay = table.Column<int>(type: "INTEGER", nullable: false),
                    PeakDay = table.Column<int>(type: "INTEGER", nullable: false),
                    Observed = table.Column<long>(type: "INTEGER", nullable: false),
                    Baseline = table.Column<double>(type: "REAL", nullable: false),
                    ZScore = table.Column<double>(type: "REAL", nullable: false),
                    Examples = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    DetectedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_signal", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "suggestion",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SealedText = table.Column<byte[]>(type: "BLOB", nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SubmitterKind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Tags = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    SealedResponse = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RespondedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RespondedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_suggestion", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "survey",
                columns: table => new
                {
                    SurveyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ComplaintId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Resolved = table.Column<bool>(type: "INTEGER", nullable: true),
                    Satisfaction = table.Column<int>(type: "INTEGER", nullable: true),
                    Effort = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey", x => x.SurveyId);
                });

            migrationBuilder.CreateTable(
                name: "survey_token",
                columns: table => new
                {
                    TokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    SurveyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_token", x => x.TokenHash);
                });

            migrationBuilder.CreateTable(
                name: "term_count",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Term = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_term_count", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "complaint_term",
                columns: table => new
                {
                    ComplaintId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TermCountId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_term", x => new { x.ComplaintId, x.TermCountId });
                    table.ForeignKey(
                        name: "FK_complaint_term_term_count_TermCountId",
                        column: x => x.TermCountId,
                        principalTable: "term_count",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_complaint_term_TermCountId",
                table: "complaint_term",
                column: "TermCountId");

            migrationBuilder.CreateIndex(
                name: "IX_daily_metric_Dimension_Metric_Day",
                table: "daily_metric",
                columns: new[] { "Dimension", "Metric", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_event_log_EventId",
                table: "event_log",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_signal_Kind_Source_Category_Term_LastDay",
                table: "signal",
                columns: new[] { "Kind", "Source", "Category", "Term", "LastDay" });

            migrationBuilder.CreateIndex(
                name: "IX_signal_LastDay",
                table: "signal",
                column: "LastDay");

            migrationBuilder.CreateIndex(
                name: "IX_suggestion_SubmittedAt",
                table: "suggestion",
                column: "SubmittedAt");

            migrationBuilder.CreateIndex(
                name: "IX_survey_ComplaintId",
                table: "survey",
                column: "ComplaintId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_survey_token_SurveyId",
                table: "survey_token",
                column: "SurveyId");

            migrationBuilder.CreateIndex(
                name: "IX_term_count_Day",
                table: "term_count",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_term_count_Source_Category_Term_Day_Language",
                table: "term_count",
                columns: new[] { "Source", "Category", "Term", "Day", "Language" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_fact");

            migrationBuilder.DropTable(
                name: "complaint_term");

            migrationBuilder.DropTable(
                name: "daily_metric");

            migrationBuilder.DropTable(
                name: "event_log");

            migrationBuilder.DropTable(
                name: "signal");

            migrationBuilder.DropTable(
                name: "suggestion");

            migrationBuilder.DropTable(
                name: "survey");

            migrationBuilder.DropTable(
                name: "survey_token");

            migrationBuilder.DropTable(
                name: "term_count");
        }
    }
}
