using System.Globalization;
using System.Text.RegularExpressions;

namespace Complaints.Notifications.Domain;

public sealed record RenderedMessage(string Language, string Subject, string Body);

/// <summary>
/// Message templates as data: <c>Templates/{kind}.{language}.txt</c>, a "Subject:" line, a line "---",
/// then the body. Placeholders are <c>{{name}}</c>; a missing value is an error, never a blank.
/// Plain substitution only: a template cannot run code.
/// </summary>
public sealed partial class TemplateStore(IReadOnlyDictionary<(string Kind, string Language), (string Subject, string Body)> templates)
{
    public static TemplateStore Load(string folder)
    {
        var templates = new Dictionary<(string, string), (string, string)>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.txt"))
        {
            var parts = Path.GetFileNameWithoutExtension(path).Split('.', 2);
            if (parts.Length != 2)
            {
                continue;
            }
            var text = File.ReadAllText(path).ReplaceLineEndings("\n");
            var separator = text.IndexOf("\n---\n", StringComparison.Ordinal);
            var header = separator < 0 ? string.Empty : text[..separator];
            if (!header.StartsWith("Subject:", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Template {path} must start with 'Subject:' and have a '---' line before the body.");
            }
            templates[(parts[0], parts[1].ToLowerInvariant())] = (header["Subject:".Length..].Trim(), text[(separator + 5)..]);
        }
        return new TemplateStore(templates);
    }

    public IEnumerable<(string Kind, string Language)> Keys => templates.Keys;

    /// <summary>Renders in the requested language, else its primary language ("ko-KR" -> "ko"), else the default.</summary>
    public RenderedMessage Render(string kind, string requestedLanguage, string defaultLanguage, IReadOnlyDictionary<string, string> values)
    {
        var language = Candidates(requestedLanguage, defaultLanguage).FirstOrDefault(l => templates.ContainsKey((kind, l)))
            ?? throw new InvalidOperationException($"No template for {kind} in {requestedLanguage} or {defaultLanguage}.");
        var (subject, body) = templates[(kind, language)];
        return new RenderedMessage(language, Fill(subject, values), Fill(body, values));
    }

    public static CultureInfo CultureFor(string language)
    {
        try
        {
            return CultureInfo.GetCultureInfo(language);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    }

    private static IEnumerable<string> Candidates(string requested, string fallback)
    {
        var lower = (requested ?? string.Empty).ToLowerInvariant();
        if (lower.Length > 0)
        {
            yield return lower;
            var dash = lower.IndexOf('-');
            if (dash > 0)
            {
                yield return lower[..dash];
            }
        }
        yield return fallback.ToLowerInvariant();
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v
            : throw new InvalidOperationException($"Template placeholder {{{{{m.Groups[1].Value}}}}} has no value."));

    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}")]
    private static partial Regex Placeholder();
}
