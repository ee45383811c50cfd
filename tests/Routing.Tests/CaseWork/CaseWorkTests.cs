using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using ComplainantActionRequest = Complaints.Routing.V1.ComplainantActionRequest;

namespace Complaints.Routing.Tests.CaseWork;

public sealed class CaseWorkTests(RoutingHost host) : IClassFixture<RoutingHost>
{
    private const string FosWording =
        "If you are not satisfied you may refer your complaint to the Financial Ombudsman Service within six months of this letter.";

    /// <summary>An agent in a queue of their own, so the default rules never hand them other tests' cases.</summary>
    private async Task<(string Agent, string Queue)> NewAgentAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var directory = new DirectoryService.DirectoryServiceClient(host.Channel(host.StaffToken("admin-1", Roles.Admin)));
        await directory.UpsertQueueAsync(new Queue { Id = "q-" + suffix, Name = "Side queue " + suffix });
        await directory.UpsertAgentAsync(new Agent { Id = "agent-" + suffix, DisplayName = "Agent " + suffix, Languages = { "en" }, Capacity = 10, Active = true, QueueIds = { "q-" + suffix } });
        return ("agent-" + suffix, "q-" + suffix);
    }

    private async Task<ComplaintReceived> InvestigatingAsync(Jurisdiction jurisdiction = Jurisdiction.UkFca)
    {
        var e = await host.OpenCaseAsync(jurisdiction);
        await host.Work().StartInvestigationAsync(new CaseActionRequest { Reference = e.Reference });
        return e;
    }

    private async Task<ComplaintReceived> ProposedAsync(string? refund = null, Jurisdiction jurisdiction = Jurisdiction.UkFca)
    {
        var e = await InvestigatingAsync(jurisdiction);
        var work = host.Work();
        await work.RecordFindingsAsync(new RecordFindingsRequest { Reference = e.Reference, Findings = "Duplicate capture by the card processor.", RootCause = "system_error", CorrectiveAction = "Processor patched." });
        await work.ProposeResolutionAsync(new ProposeResolutionRequest
        {
            Reference = e.Reference,
            Outcome = Outcome.PartlyUpheld,
            Summary = "We refund the duplicate charge.",
            Remedy = new Remedy { Apology = true, Refund = refund is null ? null : new Money { Amount = refund, Currency = "GBP" } },
        });
        return e;
    }

    [Fact]
    public async Task HandleComplaintReceived_NewCase_CaseOpenedPrecedesCaseAssignedOnTheFeed()
    {
        var e = await host.OpenCaseAsync();

        // Consumers learn the case (channel, partner) before its first assignment: Notifications sends the
        // partner's case.assigned webhook only for a case it knows came from that partner.
        var types = await host.QueryAsync(db => db.Events.AsNoTracking().Where(x => x.AggregateId == e.ComplaintId)
            .OrderBy(x => x.Sequence).Select(x => x.Type).ToListAsync());
        var opened = types.IndexOf(CaseOpened.Descriptor.FullName);
        var assigned = types.IndexOf(CaseAssigned.Descriptor.FullName);
        Assert.True(opened >= 0 && assigned >= 0, string.Join(", ", types));
        Assert.True(opened < assigned, string.Join(", ", types));
        Assert.Equal((await host.EventsAsync<CaseAssigned>(e.ComplaintId)).Single().QueueId, (await host.EventsAsync<CaseOpened>(e.ComplaintId)).Single().QueueId);
    }

    [Fact]
    public async Task SendFinalResponse_FullLifecycle_ResolvedThenClosedWithOutcomeOnTheFeed()
    {
        var e = await ProposedAsync(refund: "49.99");
        var work = host.Work();

        var resolved = await work.SendFinalResponseAsync(new SendFinalResponseRequest { Reference = e.Reference, Text = "We are sorry. " + FosWording });
        var closed = await work.CloseCaseAsync(new CaseActionRequest { Reference = e.Reference });

        Assert.Equal(CaseStatus.Resolved, resolved.Status);
        Assert.Equal(CaseStatus.Closed, closed.Status);
        var sent = Assert.Single(await host.EventsAsync<FinalResponseSent>(e.ComplaintId));
        Assert.Equal(Outcome.PartlyUpheld, sent.Outcome);
        Assert.Equal("49.99", sent.Remedy.Refund.Amount);
        Assert.Equal("system_error", sent.RootCause);
        Assert.True(sent.WithinStatutory);
        var close = Assert.Single(await host.EventsAsync<CaseClosed>(e.ComplaintId));
        Assert.Equal(Outcome.PartlyUpheld, close.Outcome);
        var transitions = await host.EventsAsync<CaseStatusChanged>(e.ComplaintId);
        Assert.Equal([CaseStatus.InInvestigation, CaseStatus.ResolutionProposed, CaseStatus.Resolved, CaseStatus.Closed], transitions.Select(t => t.To));
        Assert.All(transitions, t => Assert.Equal("agent-1", t.Actor));
    }

    [Fact]
    public async Task StartInvestigation_ClosedCase_FailedPreconditionNamingAllowedStates()
    {
        var e = await ProposedAsync();
        await host.Work().SendFinalResponseAsync(new SendFinalResponseRequest { Reference = e.Reference, Text = FosWording });
        await host.Work().CloseCaseAsync(new CaseActionRequest { Reference = e.Reference });

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Work().StartInvestigationAsync(new CaseActionRequest { Reference = e.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("CASE_STATUS_CLOSED", error.Status.Detail);
        Assert.Contains("allowed only from", error.Status.Detail);
        Assert.Contains("CASE_STATUS_REOPENED", error.Status.Detail);
    }

    [Fact]
    public async Task SendFinalResponse_UkFcaWithoutOmbudsmanRights_RefusedAndNothingChanges()
    {
        var e = await ProposedAsync();
        // Past the third business day: a full final response, not a summary resolution.
        host.Clock.Advance(TimeSpan.FromDays(8));

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Work().SendFinalResponseAsync(
            new SendFinalResponseRequest { Reference = e.Reference, Text = "We have refunded you. Goodbye." }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("fos_referral", error.Status.Detail);
        Assert.Contains("fos_six_months", error.Status.Detail);
        var c = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        Assert.Equal(CaseStatus.ResolutionProposed, c.Status);
        Assert.Empty(await host.EventsAsync<FinalResponseSent>(e.ComplaintId));
    }

    [Fact]
    public async Task SendFinalResponse_UkFcaWithinThreeBusinessDays_SummaryResolutionNeedsOnlyOmbudsmanRights()
    {
        var e = await ProposedAsync();
        var requirements = await host.Work().GetFinalResponseRequirementsAsync(new CaseRef { Reference = e.Reference });

        var resolved = await host.Work().SendFinalResponseAsync(new SendFinalResponseRequest
        {
            Reference = e.Reference,
            Text = "Resolved today. You may refer this to the Financial Ombudsman Service.",
        });

        Assert.True(requirements.SummaryResolutionAvailable);
        Assert.Equal(["fos_referral"], requirements.Statements.Select(s => s.Code));
        Assert.Equal(CaseStatus.Resolved, resolved.Status);
        Assert.True(Assert.Single(await host.EventsAsync<FinalResponseSent>(e.ComplaintId)).SummaryResolution);
    }

    [Fact]
    public async Task SendFinalResponse_AuAsicWithAfcaWording_Resolved()
    {
        var e = await ProposedAsync(jurisdiction: Jurisdiction.AuAsic);
        var requirements = await host.Work().GetFinalResponseRequirementsAsync(new CaseRef { Reference = e.Reference });

        var resolved = await host.Work().SendFinalResponseAsync(new SendFinalResponseRequest
        {
            Reference = e.Reference,
            Text = "Our answer.\n\n" + string.Join("\n", requirements.Statements.Select(s => s.StandardWording)),
        });

        Assert.Equal(["afca_referral", "afca_time_limit"], requirements.Statements.Select(s => s.Code));
        Assert.Equal(CaseStatus.Resolved, resolved.Status);
    }

    [Fact]
    public async Task GetFinalResponseRequirements_KoreanComplainant_StandardWordingInKorean()
    {
        var e = await host.OpenCaseAsync(Jurisdiction.UkFca, language: "ko-KR");

        var requirements = await host.Work().GetFinalResponseRequirementsAsync(new CaseRef { Reference = e.Reference });

        Assert.Contains(requirements.Statements, s => s.Code == "fos_referral" && s.StandardWording.Contains("금융 옴부즈맨"));
    }

    [Fact]
    public async Task ProposeResolution_LargeRefund_NeedsApprovalByAnotherSupervisor()
    {
        var e = await ProposedAsync(refund: "2500.00");
        var request = new SendFinalResponseRequest { Reference = e.Reference, Text = FosWording };

        var unapproved = await Assert.ThrowsAsync<RpcException>(() => host.Work().SendFinalResponseAsync(request).ResponseAsync);
        var byAgent = await Assert.ThrowsAsync<RpcException>(() => host.Work("agent-2").DecideResolutionAsync(
            new DecideResolutionRequest { Reference = e.Reference, Approve = true }).ResponseAsync);
        var byProposer = await Assert.ThrowsAsync<RpcException>(() => host.Work("agent-1", Roles.Supervisor).DecideResolutionAsync(
            new DecideResolutionRequest { Reference = e.Reference, Approve = true }).ResponseAsync);
        await host.Work("sup-1", Roles.Supervisor).DecideResolutionAsync(new DecideResolutionRequest { Reference = e.Reference, Approve = true, Comment = "Fine." });
        var resolved = await host.Work().SendFinalResponseAsync(request);

        Assert.Equal(StatusCode.FailedPrecondition, unapproved.StatusCode);
        Assert.Contains("approval", unapproved.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, byAgent.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, byProposer.StatusCode);
        Assert.Equal(CaseStatus.Resolved, resolved.Status);
        var c = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        Assert.Equal("sup-1", c.ApprovedBy);
    }

    [Fact]
    public async Task DecideResolution_Rejected_BackToInvestigationWithReason()
    {
        var e = await ProposedAsync(refund: "900");

        var summary = await host.Work("sup-1", Roles.Supervisor).DecideResolutionAsync(
            new DecideResolutionRequest { Reference = e.Reference, Approve = false, Comment = "Refund too high for the evidence." });

        Assert.Equal(CaseStatus.InInvestigation, summary.Status);
        var c = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        var last = c.Timeline.Last();
        Assert.Equal("Resolution rejected", last.Title);
        Assert.Equal("Refund too high for the evidence.", last.Detail);
        Assert.Equal("sup-1", last.Actor);
    }

    [Fact]
    public async Task ProposeResolution_WithoutFindings_FailedPrecondition()
    {
        var e = await InvestigatingAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Work().ProposeResolutionAsync(new ProposeResolutionRequest
        {
            Reference = e.Reference,
            Outcome = Outcome.Upheld,
            Summary = "Yes.",
        }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("RecordFindings", error.Status.Detail);
    }

    [Fact]
    public async Task ProposeResolution_BadInput_InvalidArgumentNamingEachField()
    {
        var e = await InvestigatingAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Work().ProposeResolutionAsync(new ProposeResolutionRequest
        {
            Reference = e.Reference,
            Outcome = Outcome.Withdrawn,
            Summary = "",
            Remedy = new Remedy { Refund = new Money { Amount = "12.345", Currency = "GBP" }, Compensation = new Money { Amount = "5", Currency = "XYZ" } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        foreach (var field in new[] { "outcome", "summary", "remedy.refund.amount", "remedy.compensation.currency" })
        {
            Assert.Contains(field + ":", error.Status.Detail);
        }
    }

    [Fact]
    public async Task RecordFindings_UnknownRootCause_InvalidArgumentListingChoices()
    {
        var e = await InvestigatingAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Work().RecordFindingsAsync(new RecordFindingsRequest
        {
            Reference = e.Reference,
            Findings = "x",
            RootCause = "gremlins",
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("rootCause: must be one of: process_failure", error.Status.Detail);
    }

    [Fact]
    public async Task RequestInformation_ThenAnswer_PausesAndResumesSlaButNotStatutory()
    {
        // EU PSD2: resolve in 10 business days, capped 2 before the statutory 15, so a pause of 3 days can move it.
        // (A UK case's 40 business days are always capped at 8 weeks less the margin: a pause would not move them.)
        var e = await InvestigatingAsync(Jurisdiction.EuPsd2);
        var before = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });

        var waiting = await host.Work().RequestInformationAsync(new RequestInformationRequest { Reference = e.Reference, Question = "Please send the bank statement.", RespondWithinDays = 10 });
        var paused = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });
        host.Clock.Advance(TimeSpan.FromDays(3));
        var answered = await host.Actions().AnswerInformationRequestAsync(new ComplainantActionRequest
        {
            ComplaintId = e.ComplaintId,
            CommandId = Guid.NewGuid().ToString(),
            Text = "Statement attached.",
            AttachmentIds = { Guid.NewGuid().ToString() },
        });
        var after = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });

        Assert.Equal(CaseStatus.AwaitingComplainant, waiting.Status);
        Assert.Contains(paused.Clocks, k => k.Kind == ClockKind.SlaResolve && k.Paused);
        Assert.DoesNotContain(paused.Clocks, k => k.Kind == ClockKind.StatutoryFinalResponse && k.Paused);
        Assert.Equal("Please send the bank statement.", view.InformationRequested);
        Assert.Equal(CaseStatus.InInvestigation, answered.Status);
        Assert.True(answered.Applied);
        Assert.True(after.ResolveBy.ToDateTimeOffset() > before.ResolveBy.ToDateTimeOffset(), "the SLA target moves by the paused time");
        Assert.Equal(before.FinalResponseDue, after.FinalResponseDue);
        var responded = Assert.Single(await host.EventsAsync<ComplainantResponded>(e.ComplaintId));
        Assert.Equal("answer", responded.Kind);
        Assert.Equal(1, responded.AttachmentCount);
        Assert.Contains(after.Timeline, t => t.Actor == "complainant" && t.Detail.StartsWith("Statement attached.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerInformationRequest_SameCommandTwice_AppliedOnce()
    {
        var e = await InvestigatingAsync();
        await host.Work().RequestInformationAsync(new RequestInformationRequest { Reference = e.Reference, Question = "When?" });
        var command = new ComplainantActionRequest { ComplaintId = e.ComplaintId, CommandId = "cmd-" + Guid.NewGuid().ToString("N"), Text = "On Monday." };

        var first = await host.Actions().AnswerInformationRequestAsync(command);
        var second = await host.Actions().AnswerInformationRequestAsync(command);

        Assert.True(first.Applied);
        Assert.False(second.Applied);
        Assert.Equal(CaseStatus.InInvestigation, second.Status);
        Assert.Single(await host.EventsAsync<ComplainantResponded>(e.ComplaintId));
    }

    [Fact]
    public async Task AnswerInformationRequest_NothingAsked_FailedPrecondition()
    {
        var e = await InvestigatingAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Actions().AnswerInformationRequestAsync(new ComplainantActionRequest
        {
            ComplaintId = e.ComplaintId,
            CommandId = Guid.NewGuid().ToString(),
            Text = "Here you go.",
        }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task Withdraw_OpenCase_ClosedAsWithdrawnAndClocksStopped()
    {
        var e = await InvestigatingAsync();

        var response = await host.Actions().WithdrawAsync(new ComplainantActionRequest { ComplaintId = e.ComplaintId, CommandId = Guid.NewGuid().ToString(), Text = "Sorted it with the shop." });
        var again = await Assert.ThrowsAsync<RpcException>(() => host.Actions().WithdrawAsync(
            new ComplainantActionRequest { ComplaintId = e.ComplaintId, CommandId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(CaseStatus.Closed, response.Status);
        var closed = Assert.Single(await host.EventsAsync<CaseClosed>(e.ComplaintId));
        Assert.True(closed.Withdrawn);
        Assert.Equal(Outcome.Withdrawn, closed.Outcome);
        var c = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        Assert.All(c.Clocks, k => Assert.NotNull(k.StoppedAt));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task RequestReopen_ThenStaffReopen_ReopenedWithNewResolveClock()
    {
        var e = await ProposedAsync();
        await host.Work().SendFinalResponseAsync(new SendFinalResponseRequest { Reference = e.Reference, Text = FosWording });
        await host.Work().CloseCaseAsync(new CaseActionRequest { Reference = e.Reference });
        host.Clock.Advance(TimeSpan.FromDays(7));

        await host.Actions().RequestReopenAsync(new ComplainantActionRequest { ComplaintId = e.ComplaintId, CommandId = Guid.NewGuid().ToString(), Text = "The refund never arrived." });
        var reopened = await host.Work().ReopenCaseAsync(new CaseActionRequest { Reference = e.Reference, Reason = "Complainant reports no refund." });

        Assert.Equal(CaseStatus.Reopened, reopened.Status);
        Assert.Single(await host.EventsAsync<ReopenRequested>(e.ComplaintId));
        var reopenedEvent = Assert.Single(await host.EventsAsync<CaseReopened>(e.ComplaintId));
        Assert.True(reopenedEvent.ResolveBy.ToDateTimeOffset() > host.Clock.GetUtcNow());
        Assert.Equal(Outcome.Unspecified, reopened.Outcome);
    }

    [Fact]
    public async Task ReopenCase_FirstResponseGiven_FirstResponseClockRestartsUntilTheNextMessage()
    {
        var e = await ProposedAsync();
        var work = host.Work();
        // The final response is a message to the complainant: it stops the first-response clock.
        await work.SendFinalResponseAsync(new SendFinalResponseRequest { Reference = e.Reference, Text = FosWording });
        await work.CloseCaseAsync(new CaseActionRequest { Reference = e.Reference });
        host.Clock.Advance(TimeSpan.FromDays(7));
        var reopenedAt = host.Clock.GetUtcNow();

        await work.ReopenCaseAsync(new CaseActionRequest { Reference = e.Reference, Reason = "Complainant reports no refund." });
        var reopened = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        host.Clock.Advance(TimeSpan.FromHours(3));
        await work.PostPublicUpdateAsync(new PostPublicUpdateRequest { Reference = e.Reference, Text = "We are checking the refund with the bank." });
        var answered = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });

        // Five business days from the reopening (UK calendar): due at least five calendar days later, stopped by nothing yet.
        var restarted = Assert.Single(reopened.Clocks, k => k.Kind == ClockKind.SlaFirstResponse);
        Assert.Null(restarted.StoppedAt);
        Assert.InRange(restarted.DueAt.ToDateTimeOffset(), reopenedAt.AddDays(5), reopenedAt.AddDays(12));
        // The acknowledgement clocks stay stopped: the reopening message acknowledges the reopening.
        Assert.All(reopened.Clocks.Where(k => k.Kind is ClockKind.SlaAcknowledge or ClockKind.StatutoryAcknowledge), k => Assert.NotNull(k.StoppedAt));
        var stopped = Assert.Single(answered.Clocks, k => k.Kind == ClockKind.SlaFirstResponse);
        Assert.Equal(host.Clock.GetUtcNow(), stopped.StoppedAt.ToDateTimeOffset());
        Assert.False(stopped.Breached);
    }

    [Fact]
    public async Task RequestReopen_OpenCase_FailedPrecondition()
    {
        var e = await InvestigatingAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Actions().RequestReopenAsync(new ComplainantActionRequest
        {
            ComplaintId = e.ComplaintId,
            CommandId = Guid.NewGuid().ToString(),
            Text = "Reopen please",
        }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task AddNoteAndPublicUpdate_NoteStaysInternal_UpdateReachesPublicViewAndFeed()
    {
        var e = await InvestigatingAsync();

        await host.Work().AddNoteAsync(new AddNoteRequest { Reference = e.Reference, Text = "Called the processor; awaiting logs." });
        await host.Work().PostPublicUpdateAsync(new PostPublicUpdateRequest { Reference = e.Reference, Text = "환불 절차를 진행하고 있습니다. Обработваме възстановяването. 🙏" });
        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });
        var posted = Assert.Single(await host.EventsAsync<PublicUpdatePosted>(e.ComplaintId));
        var entry = await host.Views().GetPublicEntryAsync(new GetPublicEntryRequest { ComplaintId = e.ComplaintId, EntryId = posted.EntryId });

        Assert.DoesNotContain(view.Timeline, t => t.Detail.Contains("processor", StringComparison.Ordinal));
        Assert.Equal("환불 절차를 진행하고 있습니다. Обработваме възстановяването. 🙏", view.Timeline.Last().Detail);
        Assert.Equal(view.Timeline.Last().Detail, entry.Detail);
        var staff = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        Assert.Contains(staff.Timeline, t => t.Kind == EntryKinds.Note && !t.Public && t.Detail == "Called the processor; awaiting logs." && t.Actor == "agent-1");
    }

    [Fact]
    public async Task AddNote_EmptyText_InvalidArgumentNamingText()
    {
        var e = await host.OpenCaseAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Work().AddNoteAsync(new AddNoteRequest { Reference = e.Reference, Text = "  " }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("text: is required", error.Status.Detail);
    }

    [Fact]
    public async Task EscalateCase_DefaultTier_RaisesByOneAndRefusesLowerTier()
    {
        var e = await InvestigatingAsync();

        var first = await host.Work().EscalateCaseAsync(new EscalateCaseRequest { Reference = e.Reference, Reason = "Vulnerable customer." });
        var lower = await Assert.ThrowsAsync<RpcException>(() => host.Work().EscalateCaseAsync(new EscalateCaseRequest { Reference = e.Reference, Tier = 1, Reason = "again" }).ResponseAsync);

        Assert.Equal(1, first.EscalationTier);
        Assert.Equal(CaseStatus.InInvestigation, first.Status);
        Assert.Equal(StatusCode.InvalidArgument, lower.StatusCode);
        Assert.Contains("tier:", lower.Status.Detail);
        var escalated = Assert.Single(await host.EventsAsync<CaseEscalated>(e.ComplaintId));
        Assert.Equal(1, escalated.Tier);
        Assert.Equal("agent-1", escalated.Actor);
    }

    [Fact]
    public async Task OverrideSeverity_Valid_RecordedWithReasonAndEvent()
    {
        var e = await InvestigatingAsync();

        var summary = await host.Work().OverrideSeverityAsync(new OverrideSeverityRequest { Reference = e.Reference, Severity = Severity.Critical, Reason = "Safety risk." });
        var bad = await Assert.ThrowsAsync<RpcException>(() => host.Work().OverrideSeverityAsync(new OverrideSeverityRequest { Reference = e.Reference, Reason = "x" }).ResponseAsync);

        Assert.Equal(Severity.Critical, summary.Severity);
        Assert.True(Assert.Single(await host.EventsAsync<SeverityAssessed>(e.ComplaintId)).Override);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("severity:", bad.Status.Detail);
    }

    [Fact]
    public async Task ExtendStatutoryDeadline_Psd2_MovesDeadlineOnceAndTellsTheComplainant()
    {
        var e = await InvestigatingAsync(Jurisdiction.EuPsd2);
        var before = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });

        var extended = await host.Work().ExtendStatutoryDeadlineAsync(new CaseActionRequest { Reference = e.Reference, Reason = "Awaiting the card scheme." });
        var twice = await Assert.ThrowsAsync<RpcException>(() => host.Work().ExtendStatutoryDeadlineAsync(new CaseActionRequest { Reference = e.Reference, Reason = "again" }).ResponseAsync);

        Assert.True(extended.FinalResponseDue.ToDateTimeOffset() > before.FinalResponseDue.ToDateTimeOffset());
        var holding = Assert.Single(await host.EventsAsync<StatutoryDeadlineExtended>(e.ComplaintId));
        Assert.Equal(before.FinalResponseDue, holding.PreviousDue);
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });
        Assert.Contains(view.Timeline, t => t.Title == "We need more time" && t.Detail.Contains(extended.FinalResponseDue.ToDateTimeOffset().ToString("yyyy-MM-dd"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComplainantErased_CaseKeyDestroyed_WordsUnreadableRecordKept()
    {
        var e = await InvestigatingAsync();
        await host.Work().AddNoteAsync(new AddNoteRequest { Reference = e.Reference, Text = "Spoke to Ms Example about her card." });

        await host.DeliverAsync(new ComplainantErased { ComplaintId = e.ComplaintId, Reference = e.Reference }, Sources.Intake, e.ComplaintId);
        var c = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        var write = await Assert.ThrowsAsync<RpcException>(() => host.Work().AddNoteAsync(new AddNoteRequest { Reference = e.Reference, Text = "more" }).ResponseAsync);

        Assert.Equal(CaseStatus.InInvestigation, c.Status);
        Assert.Equal("billing", c.Category);
        Assert.DoesNotContain(c.Timeline, t => t.Detail.Contains("Ms Example", StringComparison.Ordinal));
        Assert.Contains(c.Timeline, t => t.Detail == CaseText.Erased);
        Assert.Equal(StatusCode.FailedPrecondition, write.StatusCode);
    }

    [Fact]
    public async Task AddNote_Text_SealedAtRestNotInDatabaseFile()
    {
        var e = await InvestigatingAsync();
        var marker = "needle-" + Guid.NewGuid().ToString("N");

        await host.Work().AddNoteAsync(new AddNoteRequest { Reference = e.Reference, Text = marker });

        var stored = await host.QueryAsync(db => db.Timeline.AsNoTracking().Where(t => t.ComplaintId == Guid.Parse(e.ComplaintId) && t.Kind == EntryKinds.Note).ToListAsync());
        var entry = Assert.Single(stored);
        Assert.DoesNotContain(marker, System.Text.Encoding.UTF8.GetString(entry.Detail!));
    }

    [Fact]
    public async Task SaveChanges_TimelineEntryModified_Refused()
    {
        var e = await host.OpenCaseAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.QueryAsync(async db =>
        {
            var entry = await db.Timeline.FirstAsync(t => t.ComplaintId == Guid.Parse(e.ComplaintId));
            entry.Title = "rewritten";
            return await db.SaveChangesAsync();
        }));

        Assert.Contains("append-only", error.Message);
    }

    [Fact]
    public async Task SaveChanges_TwoStaffChangeTheSameCase_SecondFailsWithConcurrencyError()
    {
        var e = await host.OpenCaseAsync();
        var id = Guid.Parse(e.ComplaintId);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => host.QueryAsync(async first =>
        {
            var a = await first.Cases.FirstAsync(c => c.ComplaintId == id);
            await host.QueryAsync(async second =>
            {
                var b = await second.Cases.FirstAsync(c => c.ComplaintId == id);
                b.EscalationTier = 1;
                return await second.SaveChangesAsync();
            });
            a.EscalationTier = 2;
            return await first.SaveChangesAsync();
        }));

        Assert.Equal(1, await host.QueryAsync(db => db.Cases.Where(c => c.ComplaintId == id).Select(c => c.EscalationTier).FirstAsync()));
    }

    [Fact]
    public async Task WatchCase_Staff_ReplaysThenPushesInternalNoteLive()
    {
        var e = await InvestigatingAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = host.Work().WatchCase(new WatchCaseRequest { Reference = e.Reference }, cancellationToken: cancel.Token);
        var replayed = new List<CaseChange>();
        while (replayed.Count < 3 && await call.ResponseStream.MoveNext(cancel.Token))
        {
            replayed.Add(call.ResponseStream.Current);
        }

        await host.Work().AddNoteAsync(new AddNoteRequest { Reference = e.Reference, Text = "Live note." });
        CaseChange live;
        do
        {
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
            live = call.ResponseStream.Current;
        }
        while (live.Title != "Internal note");

        Assert.Equal("Complaint received", replayed[0].Title);
        Assert.Equal("Live note.", live.Detail);
        Assert.False(live.Public);
        Assert.Equal("agent-1", live.Actor);
    }

    [Fact]
    public async Task ListCases_MineAfterAssignment_ListsItWithItsSummary()
    {
        var e = await host.OpenCaseAsync();
        var (taker, queue) = await NewAgentAsync();

        await host.Work("sup-1", Roles.Supervisor).AssignCaseAsync(new AssignCaseRequest { Reference = e.Reference, QueueId = queue, AssigneeId = taker });
        var mine = await host.Work(taker).ListCasesAsync(new ListCasesRequest { Filter = new CaseFilter { Mine = true } });

        var listed = Assert.Single(mine.Cases);
        Assert.Equal(e.Reference, listed.Reference);
        Assert.Equal(taker, listed.AssigneeId);
        Assert.NotNull(listed.NextDeadline);
    }

    [Fact]
    public async Task StartInvestigation_WhileAwaitingComplainant_ResumesSlaAndClearsTheRequest()
    {
        var e = await InvestigatingAsync();
        await host.Work().RequestInformationAsync(new RequestInformationRequest { Reference = e.Reference, Question = "Receipt?" });

        await host.Work().StartInvestigationAsync(new CaseActionRequest { Reference = e.Reference, Reason = "Found the receipt ourselves." });

        var c = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        Assert.DoesNotContain(c.Clocks, k => k.Paused);
        var view = await host.Views().GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = e.ComplaintId });
        Assert.Equal("", view.InformationRequested);
        Assert.Null(view.InformationDue);
    }

    [Fact]
    public async Task OverrideSeverity_LoweringWhileApprovalPending_AgentForbiddenAndApprovalStillNeeded()
    {
        var e = await InvestigatingAsync();
        await host.Work().OverrideSeverityAsync(new OverrideSeverityRequest { Reference = e.Reference, Severity = Severity.High, Reason = "Vulnerable." });
        var work = host.Work();
        await work.RecordFindingsAsync(new RecordFindingsRequest { Reference = e.Reference, Findings = "f", RootCause = "staff_error" });
        var proposed = await work.ProposeResolutionAsync(new ProposeResolutionRequest { Reference = e.Reference, Outcome = Outcome.Upheld, Summary = "s" });

        var byAgent = await Assert.ThrowsAsync<RpcException>(() => work.OverrideSeverityAsync(
            new OverrideSeverityRequest { Reference = e.Reference, Severity = Severity.Low, Reason = "Not so bad." }).ResponseAsync);
        await host.Work("sup-1", Roles.Supervisor).OverrideSeverityAsync(new OverrideSeverityRequest { Reference = e.Reference, Severity = Severity.Low, Reason = "Reassessed." });
        var send = await Assert.ThrowsAsync<RpcException>(() => work.SendFinalResponseAsync(new SendFinalResponseRequest { Reference = e.Reference, Text = FosWording }).ResponseAsync);

        Assert.True(proposed.AwaitingApproval);
        Assert.Equal(StatusCode.PermissionDenied, byAgent.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, send.StatusCode);
        Assert.Contains("approval", send.Status.Detail);
    }

    [Fact]
    public async Task RequestInformation_OnAProposal_DropsTheProposalAndItsApproval()
    {
        var e = await ProposedAsync(refund: "5000");

        var summary = await host.Work().RequestInformationAsync(new RequestInformationRequest { Reference = e.Reference, Question = "Which account?" });

        Assert.Equal(CaseStatus.AwaitingComplainant, summary.Status);
        Assert.False(summary.AwaitingApproval);
        Assert.Equal(Outcome.Unspecified, summary.Outcome);
    }

    [Fact]
    public async Task SendFinalResponse_CaseAssignedToSomeoneElse_ForbiddenUnlessSupervisor()
    {
        var e = await ProposedAsync();
        var (handler, queue) = await NewAgentAsync();
        await host.Work("sup-1", Roles.Supervisor).AssignCaseAsync(new AssignCaseRequest { Reference = e.Reference, QueueId = queue, AssigneeId = handler });
        var request = new SendFinalResponseRequest { Reference = e.Reference, Text = FosWording };

        var other = await Assert.ThrowsAsync<RpcException>(() => host.Work("agent-1").SendFinalResponseAsync(request).ResponseAsync);
        var note = await host.Work("agent-1").AddNoteAsync(new AddNoteRequest { Reference = e.Reference, Text = "Colleague's note." });
        var sent = await host.Work(handler).SendFinalResponseAsync(request);

        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
        Assert.Contains(handler, other.Status.Detail);
        Assert.Equal(CaseStatus.ResolutionProposed, note.Status);
        Assert.Equal(CaseStatus.Resolved, sent.Status);
    }

    [Fact]
    public async Task RecordFindings_CaseAssignedToSomeoneElse_PermissionDeniedAndNothingChanged()
    {
        var e = await InvestigatingAsync();
        var (handler, queue) = await NewAgentAsync();
        await host.Work("sup-1", Roles.Supervisor).AssignCaseAsync(new AssignCaseRequest { Reference = e.Reference, QueueId = queue, AssigneeId = handler });
        await host.Work(handler).RecordFindingsAsync(new RecordFindingsRequest { Reference = e.Reference, Findings = "The handler's findings.", RootCause = "system_error" });
        var before = await host.QueryAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.Reference == e.Reference));

        var other = await Assert.ThrowsAsync<RpcException>(() => host.Work("agent-1").RecordFindingsAsync(
            new RecordFindingsRequest { Reference = e.Reference, Findings = "Someone else's findings.", RootCause = "staff_error" }).ResponseAsync);

        var after = await host.QueryAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.Reference == e.Reference));
        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal("system_error", after.RootCause);
    }

    [Fact]
    public async Task EscalateCase_CaseAssignedToSomeoneElse_PermissionDeniedAndNothingChanged()
    {
        var e = await InvestigatingAsync();
        var (handler, queue) = await NewAgentAsync();
        await host.Work("sup-1", Roles.Supervisor).AssignCaseAsync(new AssignCaseRequest { Reference = e.Reference, QueueId = queue, AssigneeId = handler });

        var other = await Assert.ThrowsAsync<RpcException>(() => host.Work("agent-1").EscalateCaseAsync(
            new EscalateCaseRequest { Reference = e.Reference, Reason = "Not mine, but I think it is urgent." }).ResponseAsync);

        var after = await host.QueryAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.Reference == e.Reference));
        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
        Assert.Equal(0, after.EscalationTier);
    }

    [Fact]
    public async Task Withdraw_AfterErasure_ClosesTheCase()
    {
        var e = await InvestigatingAsync();
        await host.DeliverAsync(new ComplainantErased { ComplaintId = e.ComplaintId, Reference = e.Reference }, Sources.Intake, e.ComplaintId);

        var response = await host.Actions().WithdrawAsync(new ComplainantActionRequest { ComplaintId = e.ComplaintId, CommandId = Guid.NewGuid().ToString(), Text = "Bye." });

        Assert.Equal(CaseStatus.Closed, response.Status);
    }

    [Fact]
    public async Task OverrideSeverity_ToCritical_SlaDeadlinesRetimedStatutoryUnchanged()
    {
        var e = await InvestigatingAsync();
        var before = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });

        await host.Work().OverrideSeverityAsync(new OverrideSeverityRequest { Reference = e.Reference, Severity = Severity.Critical, Reason = "Threat of harm." });

        var after = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        // CRITICAL resolves within 5 business days instead of 40 (Policies/clocks.json).
        Assert.True(after.ResolveBy.ToDateTimeOffset() < before.ResolveBy.ToDateTimeOffset().AddDays(-30));
        Assert.InRange(after.ResolveBy.ToDateTimeOffset(), before.ReceivedAt.ToDateTimeOffset().AddDays(5), before.ReceivedAt.ToDateTimeOffset().AddDays(12));
        Assert.Equal(before.FinalResponseDue, after.FinalResponseDue);
        Assert.Contains(after.Timeline, t => t.Title == "SLA deadlines re-timed for the new severity");
    }

    [Fact]
    public async Task SurveyNotResolved_ClosedCase_FlaggedForReviewOnce()
    {
        var e = await ProposedAsync();
        await host.Work().SendFinalResponseAsync(new SendFinalResponseRequest { Reference = e.Reference, Text = FosWording });
        await host.Work().CloseCaseAsync(new CaseActionRequest { Reference = e.Reference });
        var survey = new Complaints.Insights.V1.SurveyNotResolved { SurveyId = Guid.NewGuid().ToString(), ComplaintId = e.ComplaintId, Reference = e.Reference, Satisfaction = 1 };

        await host.DeliverAsync(survey, Sources.Insights, e.ComplaintId);
        await host.DeliverAsync(survey, Sources.Insights, e.ComplaintId);

        var c = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });
        Assert.Equal(CaseStatus.Closed, c.Status);
        Assert.Contains(c.Timeline, t => t.Title == "Survey: not resolved, flagged for review" && !t.Public);
        Assert.Single(await host.EventsAsync<ReopenRequested>(e.ComplaintId));
    }
}
