using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Insights.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class MetricSeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "series_backlog_month",
                columns: table => new
                {
                    Category = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Jurisdiction = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Queue = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Month = table.Column<int>(type: "int", nullable: false),
                    Backlog = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_series_backlog_month", x => new { x.Category, x.Channel, x.Jurisdiction, x.Queue, x.Month });
                });

            migrationBuilder.CreateTable(
                name: "series_cell",
                columns: table => new
                {
                    Category = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Jurisdiction = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Queue = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Day = table.Column<int>(type: "int", nullable: false),
                    Received = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Closed = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Merged = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Backlog = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    FinalResponses = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    SlaMet = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    StatutoryDue = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    StatutoryMet = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Escalated = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolved = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Reopened = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    SurveyAnswers = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    SurveySatisfied = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    SurveyResolved = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    SurveySatisfactionSum = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    SurveyEffortSum = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack00 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack01 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack02 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack03 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack04 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack05 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack06 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack07 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack08 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack09 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack10 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack11 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack12 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack13 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack14 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack15 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack16 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack17 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack18 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack19 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack20 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack21 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack22 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack23 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack24 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack25 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack26 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack27 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack28 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack29 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack30 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack31 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack32 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack33 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack34 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack35 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack36 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack37 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack38 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack39 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack40 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack41 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack42 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack43 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack44 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack45 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack46 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack47 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack48 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack49 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack50 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack51 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack52 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack53 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack54 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack55 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack56 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack57 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack58 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack59 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack60 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack61 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack62 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Ack63 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve00 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve01 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve02 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve03 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve04 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve05 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve06 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve07 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve08 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve09 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve10 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve11 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve12 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve13 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve14 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve15 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve16 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve17 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve18 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve19 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve20 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve21 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve22 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve23 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve24 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve25 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve26 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve27 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve28 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve29 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve30 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve31 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve32 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve33 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve34 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve35 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve36 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve37 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve38 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve39 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve40 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve41 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve42 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve43 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve44 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve45 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve46 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve47 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve48 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve49 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve50 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve51 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve52 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve53 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve54 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve55 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve56 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve57 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve58 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve59 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve60 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve61 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve62 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    Resolve63 = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_series_cell", x => new { x.Category, x.Channel, x.Jurisdiction, x.Queue, x.Day });
                });

            migrationBuilder.CreateTable(
                name: "series_root_cause",
                columns: table => new
                {
                    Category = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Jurisdiction = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Queue = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Day = table.Column<int>(type: "int", nullable: false),
                    RootCause = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_series_root_cause", x => new { x.Category, x.Channel, x.Jurisdiction, x.Queue, x.Day, x.RootCause });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "series_backlog_month");

            migrationBuilder.DropTable(
                name: "series_cell");

            migrationBuilder.DropTable(
                name: "series_root_cause");
        }
    }
}
