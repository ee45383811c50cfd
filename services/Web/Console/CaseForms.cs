namespace Complaints.Web.Console;

/// <summary>
/// The case page's forms, as posted. Each is bound by its form name; after a refusal the page renders again with these
/// values, so nothing typed is lost.
/// </summary>
public sealed class TextForm
{
    public string? Text { get; set; }
}

public sealed class ReasonForm
{
    public string? Reason { get; set; }
}

public sealed class InformationForm
{
    public string? Question { get; set; }
    public int? Days { get; set; }
}

public sealed class FindingsForm
{
    public string? Findings { get; set; }
    public string? RootCause { get; set; }
    public string? RootCauseDetail { get; set; }
    public string? CorrectiveAction { get; set; }
}

public sealed class ResolutionForm
{
    public string? Outcome { get; set; }
    public string? Summary { get; set; }
    public bool Apology { get; set; }
    public bool Explanation { get; set; }
    public string? RefundAmount { get; set; }
    public string? CompensationAmount { get; set; }
    public string? Currency { get; set; }
    public string? NonMonetary { get; set; }
}

public sealed class DecisionForm
{
    public string? Decision { get; set; }
    public string? Comment { get; set; }
}

public sealed class FinalResponseForm
{
    public string? Text { get; set; }

    /// <summary>Set by an "insert the standard wording" button: the statement's code; the form is not sent.</summary>
    public string? Insert { get; set; }
}

public sealed class EscalateForm
{
    public int? Tier { get; set; }
    public string? Reason { get; set; }
}

public sealed class SeverityForm
{
    public string? Severity { get; set; }
    public string? Reason { get; set; }
}

public sealed class ContactForm
{
    public string? Purpose { get; set; }
}

public sealed class AssignForm
{
    public string? QueueId { get; set; }
    public string? AssigneeId { get; set; }
    public string? Reason { get; set; }
}
