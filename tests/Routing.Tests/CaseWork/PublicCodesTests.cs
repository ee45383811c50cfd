using System.Reflection;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Notifications.V1;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using ComplainantActionRequest = Complaints.Routing.V1.ComplainantActionRequest;

namespace Complaints.Routing.Tests.CaseWork;

/// <summary>
/// The complainant's timeline and next step as codes with parameters (<see cref="PublicCodes"/>), and day-based
/// deadlines as dates, through the real service: cases opened by the ComplaintReceived handler, worked over gRPC.
/// </summary>
public sealed class PublicCodesTests(RoutingHost host) : IClassFixture<RoutingHost>
{
    private const string FosWording =
        "If you are not satisfied you may refer your complaint to the Financial Ombudsman Service within six months of this letter.";

    /// <summary>Mon 7 December 2026 10:00 GMT: the UK's 8 weeks end with Mon 1 February 2027 (the instant: 2 February 00:00 UTC).</summary>
    private static readonly DateTimeOffset UkMonday = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Catalogue_DocsRoutingTable_MatchesTheCatalogue()
    {
        static string Parameters(PublicCodes.Code c) =>
            c.Parameters.Count + c.Optional.Count == 0
                ? "none"
                : string.Join(", ", c.Parameters.Select(p => $"`{p}`").Concat(c.Optional.Select(p => $"[`{p}`]")));
        static string Text(PublicCodes.TextSource t) => t switch
        {
            PublicCodes.TextSource.Detail => "the detail, as written",
            PublicCodes.TextSource.ComplainantWords => "the complainant's words (without the note of documents)",
            PublicCodes.TextSource.Reason => "the handler's reason",
            PublicCodes.TextSource.SourceOutcome => "the outcome recorded in the source",
            _ => "none",
        };
        var expected = string.Join('\n', PublicCodes.All.Select(c =>
            $"| `{c.Name}` | {(c.NextStep ? "next step" : "timeline")} | {c.Meaning} | {Parameters(c)} | {Text(c.Text)} |"));
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "routing.md")).ReplaceLineEndings("\n");
        const string Start = "<!-- public-codes:start -->\n| Code | For | Means | Parameters | Text |\n|---|---|---|---|---|\n";
        const string End = "\n<!-- public-codes:end -->";

        var from = doc.IndexOf(Start, StringComparison.Ordinal);
        var to = doc.IndexOf(End, StringComparison.Ordinal);

        Assert.True(from >= 0 && to > from, "docs/routing.md lacks the public codes table's markers");
        Assert.Equal(expected, doc[(from + Start.Length)..to]);
    }

    [Fact]
    public void Catalogue_CodeConstants_EachListedOnceWithKnownParameters()
    {
        var constants = typeof(PublicCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var codes = constants.Where(c => c.Contains('.', StringComparison.Ordinal)).ToList();
        var parameters = constants.Except(codes).ToHashSet();

        Assert.Equal(codes.Order(), PublicCodes.All.Select(c => c.Name).Order());
        Assert.Equal(PublicCodes.All.Count, PublicCodes.All.Select(c => c.Name).Distinct().Count());
        Assert.All(PublicCodes.All.SelectMany(c => c.Parameters.Concat(c.Optional)), p => Assert.Contains(p, parameters));
        Assert.All(PublicCodes.All.Where(c => c.NextStep), c => Assert.StartsWith("next.", c.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPublicCaseView_WholeLifecycle_EveryEntryCarriesItsCodeParametersAndText()
    {
        var e = await host.OpenCaseAsync(Jurisdiction.UkFca);
        var work = host.Work();
        await host.DeliverAsync(Acknowledgement(e.ComplaintId), Sources.Notifications, e.ComplaintId);
        await work.StartInvestigationAsync(new CaseActionRequest { Reference = e.Reference });
        await work.PostPublicUpdateAsync(new PostPublicUpdateRequest { Reference = e.Reference, Text = "We have asked the card processor for its records." });
        await work.RequestInformationAsync(new RequestInformationRequest { Reference = e.Reference, Question = "Please send the bank statement.", RespondWithinDays = 10 });
        await host.Actions().AnswerInformationRequestAsync(new ComplainantActionRequest
        {
            ComplaintId = e.ComplaintId,
            CommandId = Guid.NewGuid().ToString(),
            Text = "Statement attached.",
            AttachmentIds = { Guid.NewGuid().ToString(), Guid.NewGuid().ToString() },
        });
        await work.RecordFindingsAsync(new RecordFindingsRequest { Reference = e.Reference, Findings = "Duplicate capture.", RootCause = "system_error" });
        await work.ProposeResolutionAsync(new ProposeResolutionRequest { Reference = e.Reference, Outcome = Outcome.Upheld, Summary = "Refund.", Remedy = new Remedy { Apology = true } });
        await work.SendFinalResponseAsync(new SendFinalResponseRequest { Reference = e.Reference, Text = "We are sorry. " + FosWording });
        await work.CloseCaseAsync(new CaseActionRequest { Reference = e.Reference });
        await host.Actions().RequestReopenAsync(new ComplainantActionRequest { ComplaintId = e.ComplaintId, CommandId = Guid.NewGuid().ToString(), Text = "The refund never came." });
        await work.ReopenCaseAsync(new CaseActionRequest { Reference = e.Reference, Reason = "Refund not received." });

        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });

        Assert.Equal(
            [
                PublicCodes.CaseReceived, PublicCodes.CaseOpened, PublicCodes.CaseAcknowledged, PublicCodes.InvestigationStarted,
                PublicCodes.UpdatePosted, PublicCodes.InformationRequested, PublicCodes.InformationAnswered, PublicCodes.SummaryResolutionSent,
                PublicCodes.CaseClosed, PublicCodes.ReopenRequested, PublicCodes.CaseReopened, PublicCodes.DeadlineRenewed,
            ],
            view.Timeline.Select(t => t.Code));
        Assert.All(view.Timeline, t =>
        {
            var code = PublicCodes.Find(t.Code);
            Assert.NotNull(code);
            Assert.False(code.NextStep);
            Assert.All(code.Parameters, p => Assert.True(t.Parameters.ContainsKey(p), $"{t.Code} lacks {p}"));
            Assert.All(t.Parameters.Keys, p => Assert.True(code.Allows(p), $"{t.Code} has {p}"));
        });
        // Parameters carry dates, counts and references, never the words.
        Assert.DoesNotContain(view.Timeline.SelectMany(t => t.Parameters.Values), v => v.Contains("statement", StringComparison.OrdinalIgnoreCase) || v.Contains("refund", StringComparison.OrdinalIgnoreCase));
        var entries = view.Timeline.ToDictionary(t => t.Code);
        Assert.Equal("message", entries[PublicCodes.CaseAcknowledged].Parameters[PublicCodes.Via]);
        Assert.Equal("We have asked the card processor for its records.", entries[PublicCodes.UpdatePosted].Text);
        Assert.Equal("Please send the bank statement.", entries[PublicCodes.InformationRequested].Text);
        Assert.Equal("Statement attached.", entries[PublicCodes.InformationAnswered].Text);
        Assert.Equal("Statement attached.\n\n2 documents attached.", entries[PublicCodes.InformationAnswered].Detail);
        Assert.Equal("2", entries[PublicCodes.InformationAnswered].Parameters[PublicCodes.Documents]);
        Assert.Equal("The refund never came.", entries[PublicCodes.ReopenRequested].Text);
        Assert.StartsWith("We are sorry.", entries[PublicCodes.SummaryResolutionSent].Text, StringComparison.Ordinal);
        Assert.Equal("", entries[PublicCodes.CaseOpened].Text);
        Assert.Equal("", entries[PublicCodes.CaseReopened].Text);
        Assert.Equal("Case opened", entries[PublicCodes.CaseOpened].Title);
        Assert.Equal(PublicCodes.NextReopened, view.NextStepCode);
        Assert.Empty(view.NextStepParameters);
        Assert.Equal("We have reopened your complaint and will review it again.", view.NextStep);
    }

    [Fact]
    public async Task HandleComplaintReceived_UkCaseOfMonday7December_DeadlinesAreTheLastDaysNotTheMidnightsAfter()
    {
        var e = await host.OpenCaseAsync(Jurisdiction.UkFca, receivedAt: UkMonday);

        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });
        var opened = Assert.Single(await host.EventsAsync<CaseOpened>(e.ComplaintId));

        // The instants are the ends of the days (next local midnight; London is on GMT in winter).
        Assert.Equal(new DateTimeOffset(2027, 2, 2, 0, 0, 0, TimeSpan.Zero), view.FinalResponseDue.ToDateTimeOffset());
        Assert.Equal("2027-02-01", view.FinalResponseDueDate);
        // 40 business days capped at 8 weeks less 2 business days: the end of Thu 28 January.
        Assert.Equal("2027-01-28", view.ResolveByDate);
        // 5 business days: the end of Mon 14 December.
        Assert.Equal("2026-12-14", view.FirstResponseByDate);
        Assert.Equal("", view.InformationDueDate);
        Assert.Equal(("2027-01-28", "2026-12-14", "2027-02-01"), (opened.ResolveByDate, opened.FirstResponseByDate, opened.FinalResponseDueDate));
        var entry = view.Timeline.Single(t => t.Code == PublicCodes.CaseOpened);
        Assert.Equal("2027-01-28", entry.Parameters[PublicCodes.ResolveByDate]);
        Assert.Equal("2027-01-29T00:00:00Z", entry.Parameters[PublicCodes.ResolveBy]);
        // The English words say the last day too, not the day after.
        Assert.EndsWith("We aim to resolve it by 2027-01-28.", entry.Detail, StringComparison.Ordinal);
        Assert.Equal(PublicCodes.NextAcknowledge, view.NextStepCode);
    }

    [Fact]
    public async Task RequestInformation_FourteenDays_DueAtTheEndOfTheFourteenthLocalDayAndGivenAsThatDate()
    {
        var e = await host.OpenCaseAsync(Jurisdiction.UkFca);
        await host.Work().StartInvestigationAsync(new CaseActionRequest { Reference = e.Reference });
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(host.Clock.GetUtcNow(), london).DateTime);

        await host.Work().RequestInformationAsync(new RequestInformationRequest { Reference = e.Reference, Question = "Which card?", RespondWithinDays = 14 });

        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });
        var requested = Assert.Single(await host.EventsAsync<InformationRequested>(e.ComplaintId));
        var lastDay = today.AddDays(14);
        var endOfLastDay = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), london.GetUtcOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue)));
        Assert.Equal(endOfLastDay, view.InformationDue.ToDateTimeOffset());
        Assert.Equal(lastDay.ToString("yyyy-MM-dd"), view.InformationDueDate);
        Assert.Equal(lastDay.ToString("yyyy-MM-dd"), requested.DueByDate);
        Assert.Equal(view.InformationDue, requested.DueBy);
        Assert.Equal(PublicCodes.NextAnswerRequest, view.NextStepCode);
        Assert.Equal(lastDay.ToString("yyyy-MM-dd"), view.NextStepParameters[PublicCodes.InformationDueDate]);
        Assert.Equal(lastDay.ToString("yyyy-MM-dd"), view.Timeline.Single(t => t.Code == PublicCodes.InformationRequested).Parameters[PublicCodes.InformationDueDate]);
    }

    [Fact]
    public async Task ExtendStatutoryDeadline_Psd2_HoldingReplyEntryCarriesTheNewDateAndTheReasonAsText()
    {
        var e = await host.OpenCaseAsync(Jurisdiction.EuPsd2);
        await host.Work().StartInvestigationAsync(new CaseActionRequest { Reference = e.Reference });

        await host.Work().ExtendStatutoryDeadlineAsync(new CaseActionRequest { Reference = e.Reference, Reason = "Awaiting the card scheme." });

        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });
        var extended = Assert.Single(await host.EventsAsync<StatutoryDeadlineExtended>(e.ComplaintId));
        var entry = view.Timeline.Single(t => t.Code == PublicCodes.DeadlineExtended);
        Assert.Equal("Awaiting the card scheme.", entry.Text);
        Assert.Equal(view.FinalResponseDueDate, entry.Parameters[PublicCodes.FinalResponseDueDate]);
        Assert.Equal(view.FinalResponseDueDate, extended.FinalResponseDueDate);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", extended.PreviousDueDate);
        Assert.True(string.CompareOrdinal(extended.PreviousDueDate, extended.FinalResponseDueDate) < 0);
        Assert.Contains($"by {view.FinalResponseDueDate}.", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleComplaintMerged_OpenDuplicate_MergedEntryAndNextStepNameThePrimary()
    {
        var duplicate = await host.OpenCaseAsync();
        var primary = await host.OpenCaseAsync();

        await host.DeliverAsync(new Complaints.Intake.V1.ComplaintMerged
        {
            ComplaintId = duplicate.ComplaintId,
            Reference = duplicate.Reference,
            PrimaryComplaintId = primary.ComplaintId,
            PrimaryReference = primary.Reference,
            Actor = "agent-1",
        }, Sources.Intake, duplicate.ComplaintId);

        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = duplicate.ComplaintId });
        Assert.Equal(primary.Reference, view.Timeline.Single(t => t.Code == PublicCodes.CaseMerged).Parameters[PublicCodes.MergedIntoReference]);
        Assert.Equal(PublicCodes.NextMerged, view.NextStepCode);
        Assert.Equal(primary.Reference, view.NextStepParameters[PublicCodes.MergedIntoReference]);
        Assert.Contains(primary.Reference, view.NextStep, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Case opened", null, "case.opened", "", "")]
    [InlineData("Merged into CMP-2026-000042", null, "case.merged", "merged_into_reference", "CMP-2026-000042")]
    [InlineData("You added a document", "Here it is.\n\n3 documents attached.", "document.added", "documents", "3")]
    [InlineData("Your answer was received", "On Monday.", "information.answered", "documents", "0")]
    [InlineData("Severity assessed: HIGH", null, "", "", "")]
    public void PublicEntry_WrittenBeforeCodes_CodeFromTitleAndRecoverableParameters(string title, string? detail, string code, string parameter, string value)
    {
        var c = new Data.Case { Reference = "CMP-2026-000001", Category = "billing", PreferredLanguage = "en" };
        var text = new CaseText(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        text.Provision(c);
        var fields = text.Open(c);
        var stored = new Data.CaseHistoryEntry { Kind = "system", Title = title, Actor = "system", IsPublic = true, Detail = fields.SealEntry(detail), At = DateTimeOffset.UnixEpoch };

        var entry = CaseQueries.PublicEntry(stored, c, fields);

        Assert.Equal(code, entry.Code);
        if (parameter.Length > 0)
        {
            Assert.Equal(value, entry.Parameters[parameter]);
        }
        else
        {
            Assert.Empty(entry.Parameters);
        }
    }

    private static NotificationDelivered Acknowledgement(string complaintId) => new()
    {
        MessageId = Guid.NewGuid().ToString(),
        ComplaintId = complaintId,
        Kind = MessageKind.Acknowledgement,
        Status = DeliveryStatus.Delivered,
        Channel = DeliveryChannel.Email,
        DeliveredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Complaints.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Complaints.sln above {AppContext.BaseDirectory}.");
    }
}
