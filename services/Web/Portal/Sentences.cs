using System.Globalization;
using System.Text.RegularExpressions;

namespace Complaints.Web.Portal;

/// <summary>
/// Texts filled with values, as sentences: a value that ends with a period (an abbreviation, as a Bulgarian date ends
/// with "г.") stands at the end of the sentence, so its period is the sentence's full stop too: "до 1 февруари 2027 г.",
/// never "… г..". Every pattern that takes a date or an instant is filled here.
/// </summary>
public static partial class Sentences
{
    /// <summary>
    /// A composite format pattern ("{0}", "{1:N0}") filled as <see cref="string.Format(IFormatProvider, string, object[])"/>
    /// does in the current culture, without the pattern's period after a value that already ends with one.
    /// </summary>
    public static string Format(string pattern, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (Convert.ToString(values[i], CultureInfo.CurrentCulture) is { } text && text.EndsWith('.'))
            {
                pattern = pattern.Replace("{" + i.ToString(CultureInfo.InvariantCulture) + "}.", "{" + i.ToString(CultureInfo.InvariantCulture) + "}", StringComparison.Ordinal);
            }
        }
        return string.Format(CultureInfo.CurrentCulture, pattern, values);
    }

    /// <summary>
    /// A pattern with named placeholders ("{resolve_by}") filled by <paramref name="valueOf"/>, in the same way; null
    /// when it has no value for one of them.
    /// </summary>
    public static string? Fill(string pattern, Func<string, string?> valueOf)
    {
        var missing = false;
        var filled = Named().Replace(pattern, match =>
        {
            if (valueOf(match.Groups["name"].Value) is not { } value)
            {
                missing = true;
                return "";
            }
            return match.Groups["stop"].Success && !value.EndsWith('.') ? value + "." : value;
        });
        return missing ? null : filled;
    }

    [GeneratedRegex(@"\{(?<name>[a-z_]+)\}(?<stop>\.)?")]
    private static partial Regex Named();
}
