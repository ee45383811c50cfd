using System.Net.Http.Json;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Intake.Tests;

/// <summary>The tracking view's time zone, language and the complainant's own documents; the watch's time zone and language.</summary>
public sealed class TrackAdditionsTests(FakeRoutingFixture fixture) : IClassFixture<FakeRoutingFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private async Task<SubmitComplaintResponse> SubmitAsync(string timeZone = "Europe/Sofia", string language = "bg")
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.TimeZone = timeZone;
        request.Complainant.PreferredLanguage = language;
        return await _intake.Public().SubmitComplaintAsync(request);
    }

    private Task<TrackComplaintResponse> TrackAsync(SubmitComplaintResponse s) =>
        _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = s.Reference, TrackingToken = s.TrackingToken }).ResponseAsync;

    [Fact]
    public async Task TrackComplaint_TimeZoneAndLanguageGiven_InTheView()
    {
        var submitted = await SubmitAsync("Asia/Seoul", "ko-KR");

        var view = await TrackAsync(submitted);

        Assert.Equal(("Asia/Seoul", "ko-KR"), (view.TimeZone, view.PreferredLanguage));
    }

    [Fact]
    public async Task TrackComplaint_NoTimeZoneGiven_EmptyZoneAndEnglish()
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.PreferredLanguage = "";
        var submitted = await _intake.Public().SubmitComplaintAsync(request);

        var view = await TrackAsync(submitted);

        Assert.Equal(("", "en"), (view.TimeZone, view.PreferredLanguage));
    }

    [Fact]
    public async Task TrackComplaint_Documents_TheComplainantsOwnWithNameSizeAndTimeOldestFirst()
    {
        var submitted = await SubmitAsync();
        var first = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            AttachmentBatchTests.Header(submitted, "квитанция.pdf", "submit"), AttachmentBatchTests.Pdf("one", 3_000));
        var second = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            AttachmentBatchTests.Header(submitted, "statement.pdf", "answer"), AttachmentBatchTests.Pdf("two", 1_500));
        // A document staff added is theirs: not in the complainant's view.
        await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel(_intake.Token("agent-docs", "agent"))),
            new AttachmentHeader { Reference = submitted.Reference, FileName = "internal call notes.pdf" }, AttachmentBatchTests.Pdf("staff"));

        var view = await TrackAsync(submitted);

        Assert.Equal(
            [(first.Attachment.AttachmentId, "квитанция.pdf", 3_000L, first.Attachment.UploadedAt), (second.Attachment.AttachmentId, "statement.pdf", 1_500L, second.Attachment.UploadedAt)],
            view.Attachments.Select(a => (a.AttachmentId, a.FileName, a.Size, a.UploadedAt)));
    }

    [Fact]
    public async Task TrackComplaint_NoDocuments_EmptyList()
    {
        var view = await TrackAsync(await SubmitAsync());

        Assert.Empty(view.Attachments);
    }

    [Fact]
    public async Task TrackComplaint_Rest_NewFieldsInCamelCase()
    {
        var submitted = await SubmitAsync();
        await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            AttachmentBatchTests.Header(submitted, "receipt.pdf"), AttachmentBatchTests.Pdf("rest", 1_000));
        using var http = _intake.CreateClient();

        using var response = await http.PostAsJsonAsync($"/api/v1/complaints/{submitted.Reference}/track", new { trackingToken = submitted.TrackingToken });

        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Europe/Sofia", root.GetProperty("timeZone").GetString());
        Assert.Equal("bg", root.GetProperty("preferredLanguage").GetString());
        var attachment = root.GetProperty("attachments")[0];
        Assert.Equal("receipt.pdf", attachment.GetProperty("fileName").GetString());
        Assert.Equal(1_000, attachment.GetProperty("size").GetInt64());
        Assert.True(attachment.TryGetProperty("uploadedAt", out _));
    }

    [Fact]
    public async Task WatchComplaint_Change_CarriesTimeZoneAndLanguage()
    {
        var submitted = await SubmitAsync("Europe/Sofia", "bg");
        await fixture.CaseView.StreamFor(submitted.ComplaintId).Writer.WriteAsync(new PublicCaseChange
        {
            ResumeToken = "1",
            Status = CaseStatus.Acknowledged,
            Entry = new PublicTimelineEntry { At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Title = "Case opened", EntryId = 1 },
        });
        using var cts = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var call = _intake.Public().WatchComplaint(new WatchComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken }, cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));

        Assert.Equal(("Europe/Sofia", "bg", "Case opened"), (call.ResponseStream.Current.TimeZone, call.ResponseStream.Current.PreferredLanguage, call.ResponseStream.Current.Entry.Title));
        await cts.CancelAsync();
    }
}
