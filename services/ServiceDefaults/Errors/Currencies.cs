using System.Globalization;

namespace Complaints.ServiceDefaults.Errors;

/// <summary>ISO 4217 currencies known to the runtime, with their minor units.</summary>
public static class Currencies
{
    private static readonly Lazy<IReadOnlyDictionary<string, int>> Known = new(() =>
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            try
            {
                var code = new RegionInfo(culture.Name).ISOCurrencySymbol;
                if (code.Length == 3 && !map.ContainsKey(code))
                {
                    map[code] = culture.NumberFormat.CurrencyDecimalDigits;
                }
            }
            catch (ArgumentException)
            {
                // A culture without a region.
            }
        }
        return map;
    });

    public static bool TryGetMinorUnits(string code, out int minorUnits) => Known.Value.TryGetValue(code, out minorUnits);
}
