namespace Complaints.Web.Portal.Follow;

/// <summary>The phone number a complainant types, as Intake keeps it (E.164), or nothing.</summary>
public static class LostContact
{
    /// <summary>"+82 10-1234-5678", "(+44) 7700 900123", "0044 7700 900123" as E.164; null when it cannot be one (no country code).</summary>
    public static string? Phone(string typed)
    {
        var digits = new string(typed.Where(c => c is not (' ' or '-' or '(' or ')' or '.' or '\u00A0')).ToArray());
        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            digits = "+" + digits[2..];
        }
        return digits.Length is >= 8 and <= 16 && digits[0] == '+' && digits[1] is >= '1' and <= '9' && digits.Skip(1).All(char.IsAsciiDigit)
            ? digits
            : null;
    }
}
