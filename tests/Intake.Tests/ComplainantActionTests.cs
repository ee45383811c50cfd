using System.Text;
using Complaints.Common.V1;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

public class ComplainantActionTests(FakeRoutingFixture fixture) : IClassFixture<FakeRoutingFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;
    private readonly FakeComplainantActions _routing = fixture.Actions;

    private async Task<SubmitComplaintResponse> SubmitAsync(bool anonymous = false)
    {
        var request = ValidationTests.ValidRequest();
        if (anonymous)
        {
            request.ComplainantKind = ComplainantKind.Anonymous;
            request.Complainant = null;
        }
        return await _intake.Public().SubmitComplaintAsync(request);
    }

    private static ComplainantActionRequest Request(SubmitComplaintResponse s, string text = "", string key = "", params string[] attachments)
    {
        var request = new ComplainantActionRequest { Reference = s.Reference, TrackingToken = s.TrackingToken, Text = text, IdempotencyKey = key };
        request.AttachmentIds.AddRange(attachments);
        return request;
    }

    private async Task<string> UploadAsync(SubmitComplaintResponse s, string marker, string batchKey = "")
    {
        var content = Encoding.ASCII.GetBytes($"%PDF-1.7\n% {marker}\n" + new string('x', 500));
        var uploaded = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            new AttachmentHeader { Reference = s.Reference, TrackingToken = s.TrackingToken, FileName = marker + ".pdf", BatchKey = batchKey }, content);
        return uploaded.Attachment.AttachmentId;
    }

    [Fact]
    public async Task AnswerInformationRequest_ValidToken_ForwardsNormalisedTextAndDocumentsAndAudits()
    {
        var submitted = await SubmitAsync();
        var document = await UploadAsync(submitted, "statement");

        // "Cafe" + combining acute accent: forwarded composed (NFC) and trimmed.
        var response = await _intake.Public().AnswerInformationRequestAsync(Request(submitted, "  The Cafe\u0301 receipt is attached.\n ", "answer-1", document));

        Assert.Equal(submitted.Reference, response.Reference);
        Assert.Equal(CaseStatus.InInvestigation, response.Status);
        var forwarded = Assert.Single(_routing.Received, r => r.Request.ComplaintId == submitted.ComplaintId);
        Assert.Equal("AnswerInformationRequest", forwarded.Method);
        Assert.Equal("The Caf\u00e9 receipt is attached.", forwarded.Request.Text);
        Assert.Equal([document], forwarded.Request.AttachmentIds);
        Assert.True(Guid.TryParse(forwarded.Request.CommandId, out _));
        var audit = await _intake.WithDb(db => db.AccessAudit.SingleAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "complainant-answer"));
        Assert.Equal("complainant", audit.Actor);
        Assert.Equal(1, audit.ResultCount);
    }

    [Fact]
    public async Task AnswerInformationRequest_RetriedWithSameKey_SameCommandIdAndAuditedOnce()
    {
        var submitted = await SubmitAsync();

        await _intake.Public().AnswerInformationRequestAsync(Request(submitted, "My answer", "retry-key"));
        await _intake.Public().AnswerInformationRequestAsync(Request(submitted, "My answer", "retry-key"));
        await _intake.Public().AnswerInformationRequestAsync(Request(submitted, "Another answer", "other-key"));
        await _intake.Public().AddDocumentAsync(Request(submitted, "", "retry-key", await UploadAsync(submitted, "doc")));

        var ids = _routing.For(submitted.ComplaintId).Select(r => r.CommandId).ToList();
        Assert.Equal(4, ids.Count);
        Assert.Equal(ids[0], ids[1]);
        Assert.Equal(3, ids.Distinct().Count());
        // Routing answered "already applied" to the retry: one audit entry for the two calls.
        Assert.Equal(2, await _intake.WithDb(db => db.AccessAudit.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "complainant-answer")));
    }

    [Fact]
    public async Task WithdrawComplaint_NoIdempotencyKey_NewCommandIdEachTime()
    {
        var submitted = await SubmitAsync();

        await _intake.Public().WithdrawComplaintAsync(Request(submitted, "Resolved with the shop directly."));
        await _intake.Public().WithdrawComplaintAsync(Request(submitted, "Resolved with the shop directly."));

        var sent = _routing.For(submitted.ComplaintId).ToList();
        Assert.Equal(2, sent.Count);
        Assert.NotEqual(sent[0].CommandId, sent[1].CommandId);
        Assert.All(_routing.Received.Where(r => r.Request.ComplaintId == submitted.ComplaintId), r => Assert.Equal("Withdraw", r.Method));
    }

    [Fact]
    public void CommandId_SameComplaintActionAndKey_Stable()
    {
        var id = Guid.NewGuid();

        Assert.Equal(ComplainantActions.CommandId(id, ComplainantActions.Kind.Reopen, "k"), ComplainantActions.CommandId(id, ComplainantActions.Kind.Reopen, "k"));
        Assert.NotEqual(ComplainantActions.CommandId(id, ComplainantActions.Kind.Reopen, "k"), ComplainantActions.CommandId(id, ComplainantActions.Kind.Withdraw, "k"));
        Assert.NotEqual(ComplainantActions.CommandId(id, ComplainantActions.Kind.Reopen, "k"), ComplainantActions.CommandId(Guid.NewGuid(), ComplainantActions.Kind.Reopen, "k"));
    }

    [Fact]
    public async Task RequestReopen_AnonymousComplaint_Forwarded()
    {
        var submitted = await SubmitAsync(anonymous: true);

        var response = await _intake.Public().RequestReopenAsync(Request(submitted, "The refund never arrived."));

        Assert.Equal(CaseStatus.Resolved, response.Status);
        Assert.Equal("The refund never arrived.", Assert.Single(_routing.For(submitted.ComplaintId)).Text);
    }

    [Fact]
    public async Task AnswerInformationRequest_WrongToken_NotFoundLikeUnknownReferenceAndNothingForwarded()
    {
        var submitted = await SubmitAsync();
        var wrong = Request(submitted, "answer");
        wrong.TrackingToken = (submitted.TrackingToken[0] == 'A' ? "B" : "A") + submitted.TrackingToken[1..];
        var unknown = Request(submitted, "answer");
        unknown.Reference = "CMP-0000-0000";

        var wrongError = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().AnswerInformationRequestAsync(wrong).ResponseAsync);
        var unknownError = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().WithdrawComplaintAsync(unknown).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, wrongError.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknownError.StatusCode);
        Assert.Equal(unknownError.Status.Detail, wrongError.Status.Detail);
        Assert.Empty(_routing.For(submitted.ComplaintId));
    }

    [Fact]
    public async Task AnswerInformationRequest_NoTextNoDocuments_InvalidArgumentNamingText()
    {
        var submitted = await SubmitAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().AnswerInformationRequestAsync(Request(submitted, "   ")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("text", error.Status.Detail);
        Assert.Empty(_routing.For(submitted.ComplaintId));
    }

    [Theory]
    [InlineData(10_001)]
    [InlineData(-1)]
    public async Task WithdrawComplaint_TextTooLongOrControlCharacters_InvalidArgument(int length)
    {
        var submitted = await SubmitAsync();
        var text = length < 0 ? "bad\u0007bell" : new string('a', length);

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().WithdrawComplaintAsync(Request(submitted, text)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("text", error.Status.Detail);
        Assert.Empty(_routing.For(submitted.ComplaintId));
    }

    [Fact]
    public async Task AddDocument_AnotherComplaintsDocument_InvalidArgumentNamingThatIndex()
    {
        var mine = await SubmitAsync();
        var theirs = await SubmitAsync();
        var myDocument = await UploadAsync(mine, "mine");
        var theirDocument = await UploadAsync(theirs, "theirs");

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().AddDocumentAsync(Request(mine, "", "", myDocument, theirDocument, "not-an-id")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("attachmentIds[1]", error.Status.Detail);
        Assert.Contains("attachmentIds[2]", error.Status.Detail);
        Assert.DoesNotContain("attachmentIds[0]", error.Status.Detail);
        Assert.Empty(_routing.For(mine.ComplaintId));
    }

    [Fact]
    public async Task AnswerInformationRequest_RoutingRefusesState_FailedPreconditionWithRoutingsMessage()
    {
        var submitted = await SubmitAsync();
        const string message = "Cannot answer a case that is CASE_STATUS_CLOSED; allowed only in CASE_STATUS_AWAITING_COMPLAINANT.";
        _routing.Answer = (_, r) => r.ComplaintId == submitted.ComplaintId ? throw new RpcException(new Status(StatusCode.FailedPrecondition, message)) : null!;
        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().AnswerInformationRequestAsync(Request(submitted, "late answer")).ResponseAsync);

            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Equal(message, error.Status.Detail);
            Assert.False(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "complainant-answer")));
        }
        finally
        {
            _routing.Answer = null;
        }
    }

    [Fact]
    public async Task AddDocument_MoreDocumentsThanOneActionMayName_InvalidArgumentNamingAttachmentIdsAndNothingForwarded()
    {
        var submitted = await SubmitAsync();
        var documents = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            // Uploaded as two batches of three: six are stored, but one action may name five at most.
            documents.Add(await UploadAsync(submitted, $"doc{i}", i < 3 ? "first" : "second"));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().AddDocumentAsync(Request(submitted, "", "six", [.. documents])).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["attachmentIds"], ValidationTests.FieldViolations(error));
        Assert.Empty(_routing.For(submitted.ComplaintId));
    }
}

public class ComplainantActionRoutingDownTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    [Fact]
    public async Task WithdrawComplaint_RoutingDown_UnavailableTryAgainLater()
    {
        var intake = fixture.Factory;
        var submitted = await intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => intake.Public().WithdrawComplaintAsync(new ComplainantActionRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            Text = "no longer needed",
            IdempotencyKey = "w-1",
        }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("try again later", error.Status.Detail);
    }
}
