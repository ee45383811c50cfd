namespace Complaints.Web.Portal.Follow;

/// <summary>A field's error, in the page's language; an empty field is about the whole form.</summary>
public sealed record FollowError(string Field, string Message);

/// <summary>
/// A posted form shown again: which form, the values to put back (never the tracking token) and the errors. The POST
/// endpoint leaves it in <see cref="HttpContext.Items"/> and renders the page, which reads it from there.
/// </summary>
public sealed record FollowPosted(string Form, IReadOnlyDictionary<string, string> Values, IReadOnlyList<FollowError> Errors)
{
    public const string Open = "open";
    public const string Answer = "answer";
    public const string Document = "document";
    public const string Withdraw = "withdraw";
    public const string Reopen = "reopen";
    public const string Lost = "lost";

    public string Value(string name) => Values.GetValueOrDefault(name) ?? "";

    /// <summary>The field's errors as one text, or null when it has none.</summary>
    public string? Error(string field) =>
        Errors.Where(e => e.Field == field).Select(e => e.Message).ToList() is { Count: > 0 } messages ? string.Join(" ", messages) : null;

    public bool HasErrors => Errors.Count > 0;

    /// <summary>The error summary's lines; an error about one of <paramref name="fields"/> links to <c>#{idPrefix}-{field}</c>.</summary>
    public IReadOnlyList<ErrorItem> Summary(string idPrefix, IReadOnlyCollection<string> fields) =>
        [.. Errors.Select(e => new ErrorItem(e.Message, e.Field.Length > 0 && fields.Contains(e.Field) ? $"#{idPrefix}-{e.Field}" : null))];

    public static FollowPosted? Of(HttpContext context) => context.Items[typeof(FollowPosted)] as FollowPosted;
}

/// <summary>References compared as Intake compares them: case, spaces and the letters O, I, L read as 0, 1, 1 ignored.</summary>
public static class FollowReferences
{
    public static string Normalize(string? reference)
    {
        var r = (reference ?? "").Trim().ToUpperInvariant();
        return r.StartsWith("CMP-", StringComparison.Ordinal) ? "CMP-" + r[4..].Replace('O', '0').Replace('I', '1').Replace('L', '1') : r;
    }

    public static bool Same(string? a, string? b) => Normalize(a) == Normalize(b);
}
