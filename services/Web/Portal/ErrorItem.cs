namespace Complaints.Web.Portal;

/// <summary>One line of a form's error summary: the words, and the field's control to jump to (none for the whole form).</summary>
public sealed record ErrorItem(string Text, string? Href = null);
