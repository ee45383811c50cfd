namespace Complaints.Web.Portal.Submit;

/// <summary>
/// What the submit page renders: the form's values, its protected id, and the errors to show beside the fields (already
/// in the page's language). The GET renders a fresh one; the POST handler hands its own to the page through the request
/// (<see cref="For"/>) when it renders the page again.
/// </summary>
public sealed class SubmitPageState(SubmitForm form, string protectedFormId)
{
    private static readonly object Key = new();

    /// <summary>The fields in page order: the error summary lists them so, and focus goes to the first.</summary>
    public static readonly IReadOnlyList<string> FieldOrder =
    [
        "kind", "memberNumber", "name", "email", "phone", "contactChannel", "postalAddress", "language", "timeZone",
        "category", "subcategory", "subject", "description", "eventDate", "remedy", "amount", "currency",
        "repName", "repOrganisation", "repEmail", "repPhone", "repAuthority", "attachments",
    ];

    public SubmitForm Form { get; } = form;

    public string ProtectedFormId { get; } = protectedFormId;

    /// <summary>Errors by field name, in the page's language.</summary>
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>Errors that belong to no one field (an expired form, Intake unreachable), in the page's language.</summary>
    public List<string> GeneralErrors { get; } = [];

    /// <summary>Files the post carried that were not kept because the form was not accepted: they must be chosen again.</summary>
    public int FilesToChooseAgain { get; set; }

    /// <summary>This form made a complaint before, whose answer is no longer kept here: Intake keeps the first one.</summary>
    public bool AlreadySent { get; set; }

    public bool HasErrors => FieldErrors.Count > 0 || GeneralErrors.Count > 0;

    /// <summary>The first field with an error, in page order: it gets the focus (autofocus, so without JavaScript too).</summary>
    public string? FirstInvalidField => FieldOrder.FirstOrDefault(FieldErrors.ContainsKey);

    public IEnumerable<KeyValuePair<string, string>> OrderedFieldErrors =>
        FieldOrder.Where(FieldErrors.ContainsKey).Select(f => new KeyValuePair<string, string>(f, FieldErrors[f]));

    public string? Error(string field) => FieldErrors.GetValueOrDefault(field);

    public void AddError(string field, string message) => FieldErrors.TryAdd(field, message);

    /// <summary>aria-describedby for a field: its hint and its error, or null when it has neither.</summary>
    public static string? DescribedBy(string id, bool hint, bool error) =>
        (hint, error) switch
        {
            (true, true) => $"{id}-hint {id}-error",
            (true, false) => $"{id}-hint",
            (false, true) => $"{id}-error",
            _ => null,
        };

    /// <summary>The posted state for this request, when the POST handler renders the page again.</summary>
    public static SubmitPageState? For(HttpContext context) => context.Items.TryGetValue(Key, out var state) ? state as SubmitPageState : null;

    public void AttachTo(HttpContext context) => context.Items[Key] = this;
}
