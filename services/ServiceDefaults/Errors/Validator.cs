using System.Text;

namespace Complaints.ServiceDefaults.Errors;

/// <summary>Collects field violations so one response names every bad field at once.</summary>
public sealed class Validator
{
    private readonly List<FieldViolation> _violations = [];

    public bool IsValid => _violations.Count == 0;

    public Validator Add(string field, string description)
    {
        _violations.Add(new FieldViolation(field, description));
        return this;
    }

    /// <summary>Required text with a length range (in characters, after NFC) and no control characters but newline and tab.</summary>
    public string Text(string field, string? value, int min, int max, bool allowNewlines = true)
    {
        var normalized = (value ?? string.Empty).Normalize(NormalizationForm.FormC);
        // Text elements, so an emoji or a composed Hangul syllable counts as one character.
        var length = new System.Globalization.StringInfo(normalized).LengthInTextElements;
        if (min > 0 && string.IsNullOrWhiteSpace(normalized))
        {
            Add(field, "is required");
        }
        else if (length > max)
        {
            Add(field, $"must be at most {max} characters (got {length})");
        }
        else if (length < min)
        {
            Add(field, $"must be at least {min} characters");
        }
        if (HasForbiddenControl(normalized, allowNewlines))
        {
            Add(field, allowNewlines
                ? "must not contain control characters other than newline and tab"
                : "must not contain control characters");
        }
        return normalized;
    }

    public static bool HasForbiddenControl(string value, bool allowNewlines)
    {
        foreach (var c in value)
        {
            if (allowNewlines && (c == '\n' || c == '\t' || c == '\r'))
            {
                continue;
            }
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new ValidationException(_violations);
        }
    }
}
