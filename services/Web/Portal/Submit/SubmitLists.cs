using System.Globalization;

namespace Complaints.Web.Portal.Submit;

/// <summary>The lists the submit form offers that come from the runtime, not from configuration: IANA time zones and ISO 4217 currencies.</summary>
public static class SubmitLists
{
    public sealed record Zone(string Id, string Label);

    public sealed record ZoneGroup(string Region, IReadOnlyList<Zone> Zones);

    public sealed record Currency(string Code, string Label);

    /// <summary>The IANA zones this machine knows (as Intake checks them), by region: "Europe" → "London", "Sofia".</summary>
    public static IReadOnlyList<ZoneGroup> TimeZones { get; } = TimeZoneInfo.GetSystemTimeZones()
        .Where(z => z.Id.Contains('/') && !z.Id.StartsWith("Etc/", StringComparison.Ordinal))
        .GroupBy(z => z.Id[..z.Id.IndexOf('/')])
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new ZoneGroup(g.Key, g
            .Select(z => new Zone(z.Id, z.Id[(z.Id.IndexOf('/') + 1)..].Replace('_', ' ').Replace("/", " / ", StringComparison.Ordinal)))
            .OrderBy(z => z.Label, StringComparer.Ordinal)
            .ToList()))
        .ToList();

    public static bool IsZone(string id) => id == "UTC" || TimeZones.Any(g => g.Zones.Any(z => z.Id == id));

    /// <summary>Currencies of the runtime's regions, by code, each with its symbol where it has one of its own ("KRW ₩").</summary>
    public static IReadOnlyList<Currency> Currencies { get; } = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try
            {
                var region = new RegionInfo(c.Name);
                return (Code: region.ISOCurrencySymbol, Symbol: region.CurrencySymbol);
            }
            catch (ArgumentException)
            {
                return (Code: string.Empty, Symbol: string.Empty);
            }
        })
        .Where(c => c.Code.Length == 3)
        .Append((Code: "EUR", Symbol: "€"))
        .GroupBy(c => c.Code)
        .Select(g => g.First())
        .OrderBy(c => c.Code, StringComparer.Ordinal)
        .Select(c => new Currency(c.Code, c.Symbol.Length > 0 && c.Symbol != c.Code ? $"{c.Code} {c.Symbol}" : c.Code))
        .ToList();

    /// <summary>File name extensions of the content types Intake accepts, for the file chooser and the hint.</summary>
    private static readonly Dictionary<string, string[]> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/pdf"] = [".pdf"],
        ["image/png"] = [".png"],
        ["image/jpeg"] = [".jpg", ".jpeg"],
        ["image/gif"] = [".gif"],
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = [".docx"],
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = [".xlsx"],
        ["text/plain"] = [".txt"],
    };

    /// <summary>The file input's accept attribute: each type and its extensions (the chooser's filter only; Intake decides by the bytes).</summary>
    public static string Accept(IEnumerable<string> contentTypes) =>
        string.Join(',', contentTypes.SelectMany(t => Extensions.TryGetValue(t, out var extensions) ? extensions.Append(t) : [t]));

    /// <summary>The accepted types as a reader knows them: "PDF, PNG, JPG, GIF, DOCX, XLSX, TXT".</summary>
    public static string TypeNames(IEnumerable<string> contentTypes) =>
        string.Join(", ", contentTypes.Select(t => Extensions.TryGetValue(t, out var extensions) ? extensions[0][1..].ToUpperInvariant() : t));
}
