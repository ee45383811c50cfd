using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

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

    /// <summary>A required id: the parsed UUID, or a violation naming the field (then <see cref="Guid.Empty"/>).</summary>
    public Guid Id(string field, string? value, string what)
    {
        if (Guid.TryParse(value, out var id))
        {
            return id;
        }
        Add(field, $"must be {what} (UUID)");
        return Guid.Empty;
    }

    /// <summary>An optional id: null when empty, else the parsed UUID, or a violation naming the field.</summary>
    public Guid? OptionalId(string field, string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (Guid.TryParse(value, out var id))
        {
            return id;
        }
        Add(field, $"must be {what} (UUID) or empty");
        return null;
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

    /// <summary>
    /// An amount with its ISO 4217 currency (both given or both absent): a positive decimal with a dot, no more
    /// decimals than the currency has. Returns (null, null) when absent.
    /// </summary>
    public (decimal? Amount, string? Currency) Money(string field, string? amountText, string? currencyText)
    {
        if (string.IsNullOrWhiteSpace(amountText) && string.IsNullOrWhiteSpace(currencyText))
        {
            return (null, null);
        }
        var currency = (currencyText ?? string.Empty).Trim().ToUpperInvariant();
        var minorUnits = 2;
        if (!Regex.IsMatch(currency, "^[A-Z]{3}$") || !Currencies.TryGetMinorUnits(currency, out minorUnits))
        {
            Add(field + ".currency", "must be an ISO 4217 currency code, e.g. GBP, EUR, USD, KRW");
        }
        if (!decimal.TryParse(amountText?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            Add(field + ".amount", "must be a decimal number with a dot, e.g. 1234.50");
            return (null, currency);
        }
        if (amount <= 0 || amount >= AmountMax)
        {
            Add(field + ".amount", "must be greater than zero and less than 1,000,000,000,000");
        }
        else if (amount.Scale > minorUnits && decimal.Round(amount, minorUnits) != amount)
        {
            Add(field + ".amount", $"has more decimals than {currency} allows ({minorUnits})");
        }
        return (amount, currency);
    }

    private const decimal AmountMax = 1_000_000_000_000m;

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
