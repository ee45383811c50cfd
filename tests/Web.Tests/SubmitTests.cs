extern alias intake;

using System.Globalization;
using System.Net;
using System.Text;
using Complaints.Web.Portal;
using Complaints.Web.Portal.Submit;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Web.Tests;

/// <summary>
/// The submit journey over HTTP against the real Intake: the form, antiforgery from the first multipart field, field
/// errors from Intake's BadRequest in the page's language, the form id as idempotency key, and files streamed to Intake.
/// </summary>
public sealed class SubmitTests(SubmitHost host) : IClassFixture<SubmitHost>
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% a receipt\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

    private static readonly byte[] Letter = Encoding.UTF8.GetBytes("Dear team,\nI was charged twice for order 1234.\n");

    private SubmitJourney Journey(string language = "en") => new(host.Web, language);

    [Fact]
    public async Task GetSubmit_Any_TokenFirstFilesLastCategoriesFromTheTaxonomyAndCacheableForBack()
    {
        using var journey = Journey();
        using var response = await journey.Browser.GetAsync("/submit");
        var html = await response.Content.ReadAsStringAsync();

        var form = html[html.IndexOf("<form", StringComparison.Ordinal)..html.IndexOf("</form>", StringComparison.Ordinal)];
        var firstInput = form.IndexOf("<input", StringComparison.Ordinal);
        Assert.Equal(form.IndexOf("<input type=\"hidden\" name=\"__RequestVerificationToken\"", StringComparison.Ordinal), firstInput);
        Assert.True(form.LastIndexOf("type=\"file\"", StringComparison.Ordinal) > form.LastIndexOf("name=\"description\"", StringComparison.Ordinal));
        Assert.Equal(form.IndexOf("type=\"file\"", StringComparison.Ordinal), form.LastIndexOf("<input", StringComparison.Ordinal) + "<input ".Length);
        Assert.Contains("enctype=\"multipart/form-data\"", form);
        // Not the page's own address: a POST there would evict the page from the browser's cache ("back" = a new form id).
        Assert.Contains("<form method=\"post\" action=\"/submit?send=1\"", form);
        // The configured taxonomy's categories and subcategories, as option values.
        Assert.Contains("<option value=\"billing\">", form);
        Assert.Contains("value=\"billing/double-charge\"", form);
        // Antiforgery's no-store would make "back" fetch a new form (a new form id): a private, revalidated copy instead.
        Assert.True(response.Headers.CacheControl is { Private: true, NoCache: true, NoStore: false }, response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("Pragma"));
        Assert.Contains("<script src=\"/submit.js\" defer></script>", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain(" style=", html);
    }

    [Fact]
    public async Task GetSubmit_TwoVisits_DifferentFormIds()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var first = journey.ProtectedFormId;
        await journey.OpenFormAsync();

        var ids = host.Web.Services.GetRequiredService<FormIds>();
        Assert.NotEqual(ids.Read(first, SubmitEndpoints.FormPurpose), ids.Read(journey.ProtectedFormId, SubmitEndpoints.FormPurpose));
        Assert.NotNull(ids.Read(first, SubmitEndpoints.FormPurpose));
    }

    [Fact]
    public async Task PostSubmit_ValidFormWithTwoFiles_ConfirmationShowsReferenceTokenAndFilesWithoutTokenInUrl()
    {
        using var journey = Journey("ko");
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();

        using var response = await journey.PostAsync(SubmitJourney.ValidFields(email), [("receipt.pdf", Pdf, "application/pdf"), ("letter.txt", Letter, "text/plain")]);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/submitted", response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal_follow=", StringComparison.Ordinal) && c.Contains("httponly") && c.Contains("samesite=strict"));

        var html = await journey.ConfirmationAsync();
        var reference = SubmitJourney.Reference(html);
        var token = SubmitJourney.Token(html);
        var complaint = Assert.Single(await host.ComplaintsOfAsync(email));
        Assert.Equal(complaint.Reference, reference);
        Assert.Equal(Complaints.Common.V1.Channel.Web, complaint.Channel);
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Contains("접수되었습니다", html);
        Assert.Contains("<span class=\"file-stored\">접수됨:</span> receipt.pdf", html);
        Assert.Contains("<span class=\"file-stored\">접수됨:</span> letter.txt", html);
        Assert.Equal(2, await AttachmentsOfAsync(reference));
    }

    [Fact]
    public async Task PostSubmit_NoAntiforgeryToken_RefusedAndNoComplaint()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();

        using var response = await journey.PostAsync(SubmitJourney.ValidFields(email), withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Your form could not be accepted", html);
        // Nothing of the refused post is shown back.
        Assert.DoesNotContain(email, html);
        Assert.Empty(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_ForgedAntiforgeryToken_RefusedAndNoComplaint()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();

        using var response = await journey.PostAsync(SubmitJourney.ValidFields(email), antiforgeryToken: "CfDJ8" + new string('A', 150));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_AnotherBrowsersToken_RefusedAndNoComplaint()
    {
        // A cross-site post carries a token the attacker got from their own visit, without the victim's cookie pair.
        using var attacker = Journey();
        await attacker.OpenFormAsync();
        using var victim = Journey();
        await victim.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();

        using var response = await victim.PostAsync(SubmitJourney.ValidFields(email), antiforgeryToken: attacker.Hidden["__RequestVerificationToken"],
            protectedFormId: attacker.ProtectedFormId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_ForgedFormId_RefusedWithANewFormIdAndTheValuesKept()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();

        using var response = await journey.PostAsync(SubmitJourney.ValidFields(email), protectedFormId: "CfDJ8forged" + new string('B', 120));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("This form was open for too long", html);
        Assert.Contains($"value=\"{email}\"", html);
        var renewed = HtmlForms.HiddenFields(html)["formId"];
        Assert.NotNull(host.Web.Services.GetRequiredService<FormIds>().Read(renewed, SubmitEndpoints.FormPurpose));
        Assert.Empty(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_InvalidFieldsInBulgarian_ErrorsInBulgarianBesideTheFieldsFocusOnTheFirst()
    {
        using var journey = Journey("bg");
        await journey.OpenFormAsync();
        var fields = SubmitJourney.ValidFields("not-an-email");
        fields["subject"] = "";
        fields["eventDate"] = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using var response = await journey.PostAsync(fields, [("receipt.pdf", Pdf, "application/pdf")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"bg\">", html);
        Assert.Contains("<title>Грешка: Подаване на жалба", html);
        // Beside each field, in Bulgarian; tied to it; never Intake's English.
        Assert.Matches("<input id=\"f-email\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"f-email-hint f-email-error\"", html);
        Assert.Contains("<p id=\"f-email-error\" class=\"field-error\"><span class=\"visually-hidden\">Грешка: </span>Въведете имейл адрес във вида name@example.com</p>", html);
        Assert.Contains("<p id=\"f-subject-error\" class=\"field-error\"><span class=\"visually-hidden\">Грешка: </span>Въведете тема</p>", html);
        Assert.Contains("Датата не може да е в бъдещето", html);
        Assert.DoesNotContain("must be", html);
        // The summary links to the fields in page order; the first invalid field has the focus.
        Assert.True(html.IndexOf("href=\"#f-email\"", StringComparison.Ordinal) < html.IndexOf("href=\"#f-subject\"", StringComparison.Ordinal));
        Assert.Matches("<input id=\"f-email\"[^>]*autofocus", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, " autofocus"));
        // The values come back; the file must be chosen again.
        Assert.Contains("value=\"not-an-email\"", html);
        Assert.Contains("Изберете ги отново", html);
        Assert.Equal(journey.ProtectedFormId, HtmlForms.HiddenFields(html)["formId"]);
    }

    [Fact]
    public async Task PostSubmit_ContactByPostWithoutAddress_IntakesErrorBesideTheAddressInKoreanAndNoComplaint()
    {
        using var journey = Journey("ko");
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        fields["contactChannel"] = "post";

        using var response = await journey.PostAsync(fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<p id=\"f-postalAddress-error\" class=\"field-error\"><span class=\"visually-hidden\">오류: </span>우편 주소를 입력하거나 다른 연락 방법을 선택하세요</p>",
            await response.Content.ReadAsStringAsync());
        Assert.Empty(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_ContactByPostWithAddress_IntakeKeepsTheChoiceAndTheAddress()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        fields["contactChannel"] = "post";
        fields["postalAddress"] = "1 High Street\nLondon\nSW1A 1AA";

        var (reference, _, _) = await journey.SubmitAsync(fields);

        var contact = await host.ContactOfAsync(reference);
        Assert.Equal(Complaints.Intake.V1.PreferredContactChannel.Post, contact.PreferredContactChannel);
        Assert.Equal("1 High Street\nLondon\nSW1A 1AA", contact.PostalAddress);
    }

    [Fact]
    public async Task PostSubmit_SameFormTwiceChangedInBetween_OneComplaintAndTheSameConfirmation()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        var first = await journey.SubmitAsync(fields, [("receipt.pdf", Pdf, "application/pdf")]);

        // Back, change a word, send again (a reload re-sends the same, a double click sends twice).
        fields["subject"] = "Charged twice, and no answer";
        var again = await journey.SubmitAsync(fields, [("receipt.pdf", Pdf, "application/pdf")]);

        Assert.Equal(first.Reference, again.Reference);
        Assert.Equal(first.Token, again.Token);
        Assert.Contains("This form had already been sent", again.Html);
        Assert.Single(await host.ComplaintsOfAsync(email));
        Assert.Equal(1, await AttachmentsOfAsync(first.Reference));
    }

    [Fact]
    public async Task PostSubmit_TwoAtOnce_OneComplaint()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);

        var posts = await Task.WhenAll(journey.PostAsync(fields), journey.PostAsync(fields));

        Assert.All(posts, p => Assert.Equal(HttpStatusCode.SeeOther, p.StatusCode));
        Assert.Single(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_AnswerLostBeforeTheWebAppKeptIt_IntakeReplaysTheFirstComplaint()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        var first = await journey.SubmitAsync(fields);
        // As if Intake's answer had never reached the web app: nothing kept for this form id.
        var formId = host.Web.Services.GetRequiredService<FormIds>().Read(journey.ProtectedFormId, SubmitEndpoints.FormPurpose)!;
        await host.Web.Services.GetRequiredService<SubmittedAnswers>().RemoveAsync(formId, CancellationToken.None);

        var again = await journey.SubmitAsync(fields);

        Assert.Equal(first.Reference, again.Reference);
        Assert.Equal(first.Token, again.Token);
        Assert.Single(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_RepeatAfterTheUploadsWereCutOff_FilesSentAgainAndStoredOnce()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        var first = await journey.SubmitAsync(fields, [("receipt.pdf", Pdf, "application/pdf")]);
        // As if the first post had ended after Intake's answer was kept, while its file was still on its way.
        var formId = host.Web.Services.GetRequiredService<FormIds>().Read(journey.ProtectedFormId, SubmitEndpoints.FormPurpose)!;
        var answers = host.Web.Services.GetRequiredService<SubmittedAnswers>();
        var kept = (await answers.FindAsync(formId, CancellationToken.None))!;
        await answers.SaveAsync(formId, kept with { Files = [], UploadsDone = false }, CancellationToken.None);

        var again = await journey.SubmitAsync(fields, [("receipt.pdf", Pdf, "application/pdf"), ("letter.txt", Letter, "text/plain")]);

        Assert.Equal(first.Reference, again.Reference);
        Assert.Contains("Received:</span> receipt.pdf", again.Html);
        Assert.Contains("Received:</span> letter.txt", again.Html);
        Assert.Equal(2, await AttachmentsOfAsync(first.Reference));
        Assert.Single(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_ChangedFormAfterItsAnswerWasLost_ConflictPageAndStillOneComplaint()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        await journey.SubmitAsync(fields);
        var formId = host.Web.Services.GetRequiredService<FormIds>().Read(journey.ProtectedFormId, SubmitEndpoints.FormPurpose)!;
        await host.Web.Services.GetRequiredService<SubmittedAnswers>().RemoveAsync(formId, CancellationToken.None);

        fields["description"] = "Something else entirely.";
        using var response = await journey.PostAsync(fields);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("This form was already sent and made a complaint", await response.Content.ReadAsStringAsync());
        Assert.Single(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_RefusedAndOversizedFiles_ComplaintKeptAndEachFileNamedWithItsReason()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var program = new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00 };
        var tooLarge = new byte[10 * 1024 * 1024 + 1];
        tooLarge.AsSpan().Fill((byte)'a');

        var (reference, _, html) = await journey.SubmitAsync(SubmitJourney.ValidFields(email),
            [("setup.exe", program, "application/octet-stream"), ("scan.txt", tooLarge, "text/plain"), ("receipt.pdf", Pdf, "application/pdf")]);

        Assert.Single(await host.ComplaintsOfAsync(email));
        Assert.Contains("Not received:</span> setup.exe: we do not accept this type of file", html);
        Assert.Contains("Not received:</span> scan.txt: it is larger than the size allowed", html);
        Assert.Contains("Received:</span> receipt.pdf", html);
        Assert.Contains("You can add documents later from the follow page", html);
        Assert.Equal(1, await AttachmentsOfAsync(reference));
    }

    [Fact]
    public async Task PostSubmit_SixFiles_FiveStoredTheSixthNamedAsOneTooMany()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var files = Enumerable.Range(1, 6).Select(i => ($"note{i}.txt", Encoding.UTF8.GetBytes($"note {i}\n"), "text/plain")).ToList();

        var (reference, _, html) = await journey.SubmitAsync(SubmitJourney.ValidFields(SubmitJourney.UniqueEmail()), files);

        Assert.Contains("Not received:</span> note6.txt", html);
        Assert.Equal(5, await AttachmentsOfAsync(reference));
    }

    [Fact]
    public async Task PostSubmit_ThreeFilesOfTenMiB_AllStoredPastKestrelsDefaultBodyLimit()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var content = new byte[10 * 1024 * 1024];
        content.AsSpan().Fill((byte)'x');

        // 31.5 MB: more than Kestrel's default 30 MB body limit, which the submit endpoint raises.
        var (reference, _, _) = await journey.SubmitAsync(SubmitJourney.ValidFields(SubmitJourney.UniqueEmail()),
            [("a.txt", content, "text/plain"), ("b.txt", content, "text/plain"), ("c.txt", content, "text/plain")]);

        Assert.Equal(3, await AttachmentsOfAsync(reference));
    }

    [Fact]
    public async Task PostSubmit_Anonymous_NoContactKeptAndConfirmationSaysNoMessages()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        fields["kind"] = "anonymous";

        var (reference, _, html) = await journey.SubmitAsync(fields);

        Assert.False(string.IsNullOrEmpty(reference));
        Assert.Contains("We send no messages to anonymous complainants", html);
        // The email typed before choosing "anonymous" was not sent on.
        Assert.Empty(await host.ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task PostSubmit_OnSomeonesBehalf_ChannelRepresentative()
    {
        using var journey = Journey();
        await journey.OpenFormAsync();
        var email = SubmitJourney.UniqueEmail();
        var fields = SubmitJourney.ValidFields(email);
        fields["onBehalf"] = "on";
        fields["repName"] = "Ivan Petrov";
        fields["repOrganisation"] = "Members' committee";
        fields["repEmail"] = "committee@example.com";
        fields["repAuthority"] = "Committee resolution 12/2026";

        await journey.SubmitAsync(fields);

        Assert.Equal(Complaints.Common.V1.Channel.Representative, Assert.Single(await host.ComplaintsOfAsync(email)).Channel);
    }

    [Fact]
    public async Task GetSubmitted_NoFollowSession_SaysThereIsNothingToShow()
    {
        using var journey = Journey();
        using var response = await journey.Browser.GetAsync("/submitted");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("No complaint to show", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("1234.50", "en", "1234.50")]
    [InlineData("1,234.50", "en", "1234.50")]
    [InlineData("1,234", "en", "1234")]
    [InlineData("12,5", "en", "12.5")]
    [InlineData("1 234,50", "bg", "1234.50")]
    [InlineData("1\u00a0234,50", "bg", "1234.50")]
    [InlineData("1,234", "bg", "1.234")]
    [InlineData("12500", "ko", "12500")]
    [InlineData("twelve", "en", "twelve")]
    public void NormalizeAmount_AsTheReaderWritesIt_AsIntakeReadsIt(string typed, string culture, string expected) =>
        Assert.Equal(expected, SubmitForm.NormalizeAmount(typed, new CultureInfo(culture)));

    private async Task<int> AttachmentsOfAsync(string reference)
    {
        await using var scope = host.Intake.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<intake::Complaints.Intake.Data.IntakeDbContext>();
        var complaint = db.Complaints.Single(c => c.Reference == reference);
        return db.Attachments.Count(a => a.ComplaintId == complaint.Id);
    }
}
