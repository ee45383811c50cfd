using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.Web.Console;
using Microsoft.AspNetCore.Components;

namespace Complaints.Web.Components.Pages.Console;

/// <summary>
/// One case as its handler works it: the facts and deadlines, the contact on request (with a purpose, audited by
/// Intake), the full timeline, and every action as its own form. An action that succeeds redirects back here with a
/// notice (post/redirect/get); one that Routing refuses renders the page again with Routing's words beside the form and
/// everything typed still in it.
/// </summary>
public partial class CasePage
{
    [Parameter] public string Reference { get; set; } = "";

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "done")] private string? Done { get; set; }

    [SupplyParameterFromForm(FormName = "note")] private TextForm? Note { get; set; }
    [SupplyParameterFromForm(FormName = "update")] private TextForm? Update { get; set; }
    [SupplyParameterFromForm(FormName = "information")] private InformationForm? Information { get; set; }
    [SupplyParameterFromForm(FormName = "findings")] private FindingsForm? Findings { get; set; }
    [SupplyParameterFromForm(FormName = "resolution")] private ResolutionForm? Resolution { get; set; }
    [SupplyParameterFromForm(FormName = "decision")] private DecisionForm? Decision { get; set; }
    [SupplyParameterFromForm(FormName = "final")] private FinalResponseForm? Final { get; set; }
    [SupplyParameterFromForm(FormName = "investigate")] private ReasonForm? Investigate { get; set; }
    [SupplyParameterFromForm(FormName = "close")] private ReasonForm? Close { get; set; }
    [SupplyParameterFromForm(FormName = "reopen")] private ReasonForm? Reopen { get; set; }
    [SupplyParameterFromForm(FormName = "escalate")] private EscalateForm? Escalate { get; set; }
    [SupplyParameterFromForm(FormName = "severity")] private SeverityForm? SeverityChange { get; set; }
    [SupplyParameterFromForm(FormName = "contact")] private ContactForm? Contact { get; set; }
    [SupplyParameterFromForm(FormName = "assign")] private AssignForm? Assign { get; set; }

    private GetCaseResponse? _case;
    private FinalResponseRequirements? _requirements;
    private GetComplaintContactResponse? _contact;
    private GetComplaintForStaffResponse? _words;
    private ConsoleFailure _loadFailure;

    /// <summary>The refused form's name and Routing's words (and the fields it named).</summary>
    private (string Form, string Message, IReadOnlyDictionary<string, string> Fields)? _refusal;

    private CaseWorkService.CaseWorkServiceClient Work => Calls.Client<CaseWorkService.CaseWorkServiceClient>();

    private CancellationToken Aborted => HttpContext.RequestAborted;

    protected override async Task OnInitializedAsync()
    {
        Note ??= new();
        Update ??= new();
        Information ??= new();
        Findings ??= new();
        Resolution ??= new();
        Decision ??= new();
        Final ??= new();
        Investigate ??= new();
        Close ??= new();
        Reopen ??= new();
        Escalate ??= new();
        SeverityChange ??= new();
        Contact ??= new();
        Assign ??= new();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var loaded = await Calls.RunAsync(o => Calls.Client<CaseService.CaseServiceClient>().GetCaseAsync(new GetCaseRequest { Reference = Reference }, o), Aborted);
        _loadFailure = loaded.Failure;
        _case = loaded.Value;
        if (_case is null)
        {
            // An unknown reference and a case outside the reader's circle read alike (NotFound).
            ConsoleStatus.Set(HttpContext, loaded.Failure is ConsoleFailure.NotFound or ConsoleFailure.Invalid or ConsoleFailure.Refused
                ? StatusCodes.Status404NotFound
                : StatusCodes.Status503ServiceUnavailable);
            return;
        }
        var requirements = await Calls.RunAsync(o => Work.GetFinalResponseRequirementsAsync(new CaseRef { Reference = Reference }, o), Aborted);
        _requirements = requirements.Value;
        // The complaint's words: reading them is the handler's daily work, audited by Intake (no purpose needed).
        var words = await Calls.RunAsync(o => Calls.Client<StaffIntakeService.StaffIntakeServiceClient>().GetComplaintForStaffAsync(
            new GetComplaintForStaffRequest { Reference = Reference }, o), Aborted);
        _words = words.Value;
    }

    private Task AddNoteAsync() => ActAsync("note", o => Work.AddNoteAsync(new AddNoteRequest { Reference = Reference, Text = Note!.Text ?? "" }, o));

    private Task PostUpdateAsync() =>
        ActAsync("update", o => Work.PostPublicUpdateAsync(new PostPublicUpdateRequest { Reference = Reference, Text = Update!.Text ?? "" }, o));

    private Task RequestInformationAsync() => ActAsync("information", o => Work.RequestInformationAsync(new RequestInformationRequest
    {
        Reference = Reference,
        Question = Information!.Question ?? "",
        RespondWithinDays = Information.Days ?? 0,
    }, o));

    private Task RecordFindingsAsync() => ActAsync("findings", o => Work.RecordFindingsAsync(new RecordFindingsRequest
    {
        Reference = Reference,
        Findings = Findings!.Findings ?? "",
        RootCause = Findings.RootCause ?? "",
        RootCauseDetail = Findings.RootCauseDetail ?? "",
        CorrectiveAction = Findings.CorrectiveAction ?? "",
    }, o));

    private Task ProposeResolutionAsync()
    {
        var form = Resolution!;
        var remedy = new Remedy { Apology = form.Apology, Explanation = form.Explanation, NonMonetaryRelief = form.NonMonetary?.Trim() ?? "" };
        var currency = form.Currency?.Trim().ToUpperInvariant() ?? "";
        if (form.RefundAmount is { Length: > 0 } refund)
        {
            remedy.Refund = new Money { Amount = refund.Trim(), Currency = currency };
        }
        if (form.CompensationAmount is { Length: > 0 } compensation)
        {
            remedy.Compensation = new Money { Amount = compensation.Trim(), Currency = currency };
        }
        return ActAsync("resolution", o => Work.ProposeResolutionAsync(new ProposeResolutionRequest
        {
            Reference = Reference,
            Outcome = Enum.TryParse<Outcome>(form.Outcome, out var outcome) ? outcome : Outcome.Unspecified,
            Summary = form.Summary ?? "",
            Remedy = remedy,
        }, o));
    }

    private Task DecideAsync() => ActAsync("decision", o => Work.DecideResolutionAsync(new DecideResolutionRequest
    {
        Reference = Reference,
        Approve = Decision!.Decision == "approve",
        Comment = Decision.Comment ?? "",
    }, o));

    private async Task FinalResponseAsync()
    {
        if (Final!.Insert is { Length: > 0 } code)
        {
            // Insert, don't send: the composer comes back with the standard wording appended where the writer can edit it.
            if (_requirements?.Statements.FirstOrDefault(s => s.Code == code) is { } statement)
            {
                Final.Text = string.IsNullOrWhiteSpace(Final.Text) ? statement.StandardWording : Final.Text.TrimEnd() + "\n\n" + statement.StandardWording;
            }
            Final.Insert = null;
            return;
        }
        await ActAsync("final", o => Work.SendFinalResponseAsync(new SendFinalResponseRequest { Reference = Reference, Text = Final.Text ?? "" }, o));
    }

    /// <summary>Reassigning (or assigning someone else) is a supervisor's; empty assignee: the least-loaded agent who fits.</summary>
    private Task AssignAsync() => ActAsync("assign", o => Work.AssignCaseAsync(new AssignCaseRequest
    {
        Reference = Reference,
        QueueId = Assign!.QueueId?.Trim() ?? "",
        AssigneeId = Assign.AssigneeId?.Trim() ?? "",
        Reason = Assign.Reason ?? "",
    }, o));

    private Task InvestigateAsync() =>
        ActAsync("investigate", o => Work.StartInvestigationAsync(new CaseActionRequest { Reference = Reference, Reason = Investigate!.Reason ?? "" }, o));

    private Task CloseAsync() => ActAsync("close", o => Work.CloseCaseAsync(new CaseActionRequest { Reference = Reference, Reason = Close!.Reason ?? "" }, o));

    private Task ReopenAsync() => ActAsync("reopen", o => Work.ReopenCaseAsync(new CaseActionRequest { Reference = Reference, Reason = Reopen!.Reason ?? "" }, o));

    private Task EscalateAsync() => ActAsync("escalate", o => Work.EscalateCaseAsync(new EscalateCaseRequest
    {
        Reference = Reference,
        Tier = Escalate!.Tier ?? 0,
        Reason = Escalate.Reason ?? "",
    }, o));

    private Task ChangeSeverityAsync() => ActAsync("severity", o => Work.OverrideSeverityAsync(new OverrideSeverityRequest
    {
        Reference = Reference,
        Severity = Enum.TryParse<Severity>(SeverityChange!.Severity, out var severity) ? severity : Severity.Unspecified,
        Reason = SeverityChange.Reason ?? "",
    }, o));

    /// <summary>The contact details, shown on this response only (never in a URL, never kept): Intake audits the read.</summary>
    private async Task ReadContactAsync()
    {
        var result = await Calls.RunAsync(o => Calls.Client<StaffIntakeService.StaffIntakeServiceClient>().GetComplaintContactAsync(
            new GetComplaintContactRequest { Reference = Reference, Purpose = Contact!.Purpose ?? "" }, o), Aborted);
        if (result.Succeeded)
        {
            _contact = result.Value;
        }
        else
        {
            Refuse("contact", result);
        }
    }

    private async Task ActAsync(string form, Func<Grpc.Core.CallOptions, Grpc.Core.AsyncUnaryCall<CaseSummary>> call)
    {
        var result = await Calls.RunAsync(call, Aborted);
        if (result.Succeeded)
        {
            Navigation.NavigateTo(ConsolePaths.Case(Reference) + "?done=" + form);
            return;
        }
        Refuse(form, result);
        // The page shows the case as it is now (the refusal may come from a change someone else made meanwhile).
        await LoadAsync();
    }

    private void Refuse<T>(string form, ConsoleResult<T> result)
    {
        _refusal = (form, result.Failure == ConsoleFailure.Unavailable ? W["Unavailable"] : result.Message, result.Fields);
        ConsoleStatus.Set(HttpContext, result.Failure switch
        {
            ConsoleFailure.Invalid => StatusCodes.Status400BadRequest,
            ConsoleFailure.Conflict => StatusCodes.Status409Conflict,
            ConsoleFailure.Refused => StatusCodes.Status403Forbidden,
            ConsoleFailure.NotFound => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status503ServiceUnavailable,
        });
    }

    private string? RefusalFor(string form) => _refusal is { } r && r.Form == form ? r.Message : null;

    private bool Open(string form) => _refusal?.Form == form || (form == "final" && !string.IsNullOrEmpty(Final?.Text));
}
