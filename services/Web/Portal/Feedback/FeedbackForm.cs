namespace Complaints.Web.Portal.Feedback;

/// <summary>
/// What a feedback page shows besides its data: the field errors (as FeedbackTexts keys, worded when the page renders
/// in its language; in the form's order, each with the id of the control the error summary links to), a general error,
/// and which field gets the focus. A POST
/// endpoint fills it and renders the page again (<see cref="FeedbackPages.Render"/>); the page reads it back from the
/// request (<see cref="Of{T}"/>).
/// </summary>
public abstract class FeedbackForm
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    /// <summary>The FeedbackTexts key of an error about the whole form (the service is unavailable, nothing matched).</summary>
    public string? GeneralError { get; set; }

    public bool HasErrors => _errors.Count > 0 || GeneralError is not null;

    /// <summary>The first field in error: its first control gets <c>autofocus</c>.</summary>
    public string? FirstInvalidField => _errors.Count > 0 ? _errors[0].Field : null;

    /// <summary>
    /// Adds the field's first error (later ones for the same field are dropped): a FeedbackTexts key and its arguments,
    /// linking to <paramref name="controlId"/> (the field's own control by default).
    /// </summary>
    public void AddError(string field, string key, string? controlId = null, params object[] args)
    {
        if (!_errors.Any(e => e.Field == field))
        {
            _errors.Add(new FieldError(field, key, args, controlId ?? FieldId(field)));
        }
    }

    public FieldError? Error(string field) => _errors.FirstOrDefault(e => e.Field == field);

    /// <summary>The field's error worded in the page's language, or null.</summary>
    public string? ErrorText(string field, Microsoft.Extensions.Localization.IStringLocalizer texts) =>
        Error(field) is { } error ? texts[error.Key, error.Args].Value : null;

    /// <summary>The error summary's lines: the general error first (no link), then each field's, linking to its control.</summary>
    public IReadOnlyList<ErrorItem> Summary(Microsoft.Extensions.Localization.IStringLocalizer texts) =>
        [.. GeneralError is { } general ? [new ErrorItem(texts[general])] : Array.Empty<ErrorItem>(),
         .. _errors.Select(e => new ErrorItem(texts[e.Key, e.Args], "#" + e.ControlId))];

    /// <summary>Puts the errors in the order the fields appear on the page.</summary>
    public void Order(IReadOnlyList<string> fields) =>
        _errors.Sort((a, b) => Position(fields, a.Field).CompareTo(Position(fields, b.Field)));

    private static int Position(IReadOnlyList<string> fields, string field) => fields.IndexOf(field) is var i and >= 0 ? i : int.MaxValue;

    /// <summary>The id of a text field's control.</summary>
    public static string FieldId(string field) => "f-" + field;

    /// <summary>The id of one option of a radio group.</summary>
    public static string OptionId(string field, string value) => $"f-{field}-{value}";

    /// <summary>The ids for aria-describedby: the hint and the error, when shown.</summary>
    public string? DescribedBy(string field, bool hint) =>
        string.Join(' ', new[] { hint ? FieldId(field) + "-hint" : null, Error(field) is null ? null : FieldId(field) + "-error" }.OfType<string>()) is { Length: > 0 } ids
            ? ids
            : null;

    public void AttachTo(HttpContext context) => context.Items[GetType()] = this;

    public static T? Of<T>(HttpContext? context) where T : FeedbackForm =>
        context?.Items.TryGetValue(typeof(T), out var state) == true ? state as T : null;
}

/// <summary>One field's error: a FeedbackTexts key with its arguments; <see cref="ControlId"/> is where the summary's link goes.</summary>
public sealed record FieldError(string Field, string Key, object[] Args, string ControlId);

internal static class ListExtensions
{
    public static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }
        return -1;
    }
}
