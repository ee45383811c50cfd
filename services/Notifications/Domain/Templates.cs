using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Complaints.Notifications.Domain;

public sealed record RenderedMessage(string Language, string Subject, string Text, string Html);

/// <summary>A template names a placeholder that no value was given for: a bug, never a blank in a sent message.</summary>
public sealed class MissingPlaceholderException(string template, string name)
    : Exception($"Template {template} uses {{{{{name}}}}} but no value was given.")
{
    public string Placeholder { get; } = name;
}

/// <summary>
/// A deliberately tiny placeholder language, so a template (an organisation's override too) can never run code:
/// <c>{{name}}</c> inserts a value (a missing value is an error), <c>{{#name}}...{{/name}}</c> keeps its content only
/// when the value is present and non-empty, <c>{{^name}}...{{/name}}</c> only when it is absent or empty.
/// </summary>
public static partial class TemplateEngine
{
    internal abstract record Node;
    internal sealed record Literal(string Text) : Node;
    internal sealed record Value(string Name) : Node;
    internal sealed record Section(string Name, bool Inverted, IReadOnlyList<Node> Body) : Node;

    public sealed class Parsed
    {
        internal Parsed(string name, IReadOnlyList<Node> nodes) => (Name, Nodes) = (name, nodes);
        public string Name { get; }
        internal IReadOnlyList<Node> Nodes { get; }

        /// <summary>Values inserted outside a section of their own name, so they must always be given.</summary>
        public IReadOnlySet<string> Unguarded
        {
            get
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                CollectUnguarded(Nodes, new HashSet<string>(), names);
                return names;
            }
        }

        /// <summary>Every value name the template refers to (in values and sections).</summary>
        public IReadOnlySet<string> Names
        {
            get
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                Collect(Nodes, names);
                return names;
            }
        }
    }

    public static Parsed Parse(string name, string text)
    {
        var stack = new Stack<(string? Section, bool Inverted, List<Node> Nodes)>();
        stack.Push((null, false, []));
        var at = 0;
        foreach (Match m in Tag().Matches(text))
        {
            if (m.Index > at)
            {
                stack.Peek().Nodes.Add(new Literal(text[at..m.Index]));
            }
            at = m.Index + m.Length;
            var (sigil, key) = (m.Groups[1].Value, m.Groups[2].Value);
            switch (sigil)
            {
                case "#" or "^":
                    stack.Push((key, sigil == "^", []));
                    break;
                case "/":
                    var open = stack.Pop();
                    if (open.Section != key)
                    {
                        throw new FormatException($"Template {name}: {{{{/{key}}}}} closes {(open.Section is null ? "nothing" : $"{{{{#{open.Section}}}}}")}.");
                    }
                    stack.Peek().Nodes.Add(new Section(key, open.Inverted, open.Nodes));
                    break;
                default:
                    stack.Peek().Nodes.Add(new Value(key));
                    break;
            }
        }
        if (at < text.Length)
        {
            stack.Peek().Nodes.Add(new Literal(text[at..]));
        }
        if (stack.Count != 1)
        {
            throw new FormatException($"Template {name}: {{{{#{stack.Peek().Section}}}}} is never closed.");
        }
        if (Stray().Matches(text).Count != Tag().Matches(text).Count)
        {
            throw new FormatException($"Template {name}: a '{{{{' that is not a placeholder (names are letters and digits).");
        }
        return new Parsed(name, stack.Pop().Nodes);
    }

    /// <param name="literal">How template text is written out (raw, or HTML-encoded for a generated HTML part).</param>
    /// <param name="value">How a value is written out (e.g. HTML-encoded).</param>
    public static string Render(Parsed template, IReadOnlyDictionary<string, string> values, Func<string, string> literal, Func<string, string> value)
    {
        var sb = new StringBuilder();
        Write(template, template.Nodes, values, literal, value, sb);
        return sb.ToString();
    }

    private static void Write(Parsed t, IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, string> values,
        Func<string, string> literal, Func<string, string> value, StringBuilder sb)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case Literal l:
                    // A value that ends with an abbreviation's period ("1 февруари 2027 г.") ending a sentence: the two
                    // periods are one, as in print ("… до 1 февруари 2027 г."). An ellipsis is left alone.
                    var text = l.Text.StartsWith('.') && !l.Text.StartsWith("..", StringComparison.Ordinal) && sb.Length > 0 && sb[^1] == '.' ? l.Text[1..] : l.Text;
                    sb.Append(literal(text));
                    break;
                case Value v:
                    sb.Append(value(values.TryGetValue(v.Name, out var s) ? s : throw new MissingPlaceholderException(t.Name, v.Name)));
                    break;
                case Section sec:
                    var present = values.TryGetValue(sec.Name, out var x) && !string.IsNullOrEmpty(x);
                    if (present != sec.Inverted)
                    {
                        Write(t, sec.Body, values, literal, value, sb);
                    }
                    break;
            }
        }
    }

    private static void CollectUnguarded(IReadOnlyList<Node> nodes, IReadOnlySet<string> guarded, HashSet<string> names)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case Value v when !guarded.Contains(v.Name):
                    names.Add(v.Name);
                    break;
                case Section { Inverted: false } s:
                    CollectUnguarded(s.Body, new HashSet<string>(guarded) { s.Name }, names);
                    break;
                case Section s:
                    CollectUnguarded(s.Body, guarded, names);
                    break;
            }
        }
    }

    private static void Collect(IReadOnlyList<Node> nodes, HashSet<string> names)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case Value v:
                    names.Add(v.Name);
                    break;
                case Section s:
                    names.Add(s.Name);
                    Collect(s.Body, names);
                    break;
            }
        }
    }

    [GeneratedRegex(@"\{\{\s*([#^/]?)\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\{\{")]
    private static partial Regex Stray();
}

/// <summary>
/// Templates as data: <c>{kind}.{language}.txt</c> holds a "Subject:" line, a "---" line, then the plain-text
/// body; an optional <c>{kind}.{language}.html</c> beside it is the HTML body (else the HTML part is the text,
/// HTML-encoded, with links made clickable). The shipped folder loads first; an organisation's folder
/// (<c>Notifications:TemplatesFolder</c>) overrides per kind and language and may add languages.
/// Every template is checked at load against its kind's values, so a typo fails at start, not at send.
/// </summary>
public sealed class TemplateStore
{
    private sealed record Template(TemplateEngine.Parsed Subject, TemplateEngine.Parsed Text, TemplateEngine.Parsed? Html);

    private readonly Dictionary<(string Kind, string Language), Template> _templates;

    private TemplateStore(Dictionary<(string, string), Template> templates) => _templates = templates;

    public static TemplateStore Load(params string?[] folders)
    {
        var templates = new Dictionary<(string, string), Template>();
        foreach (var folder in folders.Where(f => !string.IsNullOrEmpty(f)))
        {
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"Template folder {folder} does not exist.");
            }
            foreach (var path in Directory.EnumerateFiles(folder!, "*.txt"))
            {
                var parts = Path.GetFileNameWithoutExtension(path).Split('.', 2);
                if (parts.Length != 2)
                {
                    continue;
                }
                var (kind, language) = (parts[0], parts[1].ToLowerInvariant());
                var name = Path.GetFileName(path);
                var text = File.ReadAllText(path).ReplaceLineEndings("\n");
                var separator = text.IndexOf("\n---\n", StringComparison.Ordinal);
                var header = separator < 0 ? string.Empty : text[..separator];
                if (!header.StartsWith("Subject:", StringComparison.Ordinal))
                {
                    throw new FormatException($"Template {path} must start with 'Subject:' and have a '---' line before the body.");
                }
                var htmlPath = Path.ChangeExtension(path, ".html");
                var template = new Template(
                    TemplateEngine.Parse(name + " (subject)", header["Subject:".Length..].Trim()),
                    TemplateEngine.Parse(name, text[(separator + 5)..]),
                    File.Exists(htmlPath) ? TemplateEngine.Parse(Path.GetFileName(htmlPath), File.ReadAllText(htmlPath)) : null);
                Check(kind, name, template);
                templates[(kind, language)] = template;
            }
        }
        return new TemplateStore(templates);
    }

    public IEnumerable<(string Kind, string Language)> Keys => _templates.Keys;

    /// <summary>The template language used for a request: the requested one, else its primary language ("ko-KR" -> "ko"), else the default.</summary>
    public string LanguageFor(string kind, string? requestedLanguage, string defaultLanguage) =>
        Candidates(requestedLanguage, defaultLanguage).FirstOrDefault(l => _templates.ContainsKey((kind, l)))
            ?? throw new InvalidOperationException($"No template for {kind} in {requestedLanguage} or {defaultLanguage}.");

    /// <summary>
    /// How values are formatted for a message rendered in <paramref name="renderedLanguage"/>: the requested culture
    /// when it is that language ("en-GB" for an English template keeps British dates), else the rendered language's
    /// own, so a fallback never mixes an English text with French dates.
    /// </summary>
    public static CultureInfo CultureFor(string? requestedLanguage, string renderedLanguage)
    {
        var requested = (requestedLanguage ?? string.Empty).ToLowerInvariant();
        var dash = requested.IndexOf('-');
        return (dash > 0 ? requested[..dash] : requested) == renderedLanguage ? CultureFor(requested) : CultureFor(renderedLanguage);
    }

    /// <summary>Renders in <see cref="LanguageFor"/>'s language.</summary>
    public RenderedMessage Render(string kind, string? requestedLanguage, string defaultLanguage, IReadOnlyDictionary<string, string> values)
    {
        var language = LanguageFor(kind, requestedLanguage, defaultLanguage);
        var t = _templates[(kind, language)];
        // A value never breaks the subject header onto a second line.
        var subject = TemplateEngine.Render(t.Subject, values, s => s, v => v.ReplaceLineEndings(" "));
        var text = TemplateEngine.Render(t.Text, values, s => s, v => v);
        var html = t.Html is null
            ? "<!DOCTYPE html>\n<html><body><div style=\"font-family:sans-serif;white-space:pre-wrap\">"
                + TemplateEngine.Render(t.Text, values, WebUtility.HtmlEncode, HtmlValue) + "</div></body></html>\n"
            : TemplateEngine.Render(t.Html, values, s => s, HtmlValue);
        return new RenderedMessage(language, subject, text, html);
    }

    /// <summary>Encoded always; a value that is a whole http(s) URL becomes a link.</summary>
    private static string HtmlValue(string value)
    {
        var encoded = WebUtility.HtmlEncode(value);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? $"<a href=\"{encoded}\">{encoded}</a>"
            : encoded;
    }

    private static void Check(string kind, string file, Template t)
    {
        if (TemplateKinds.Named(kind) is not { } info)
        {
            throw new FormatException($"Template {file}: no message kind '{kind}' (known: {string.Join(", ", TemplateKinds.Values.Keys)}).");
        }
        var parts = new[] { t.Subject, t.Text, t.Html }.OfType<TemplateEngine.Parsed>().ToList();
        var unknown = parts.SelectMany(p => p.Names).Where(n => !info.Values.Contains(n)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new FormatException($"Template {file} uses values its kind does not have: {string.Join(", ", unknown)}.");
        }
        // The subject is stored and shown in the complainant's message history: a secret never goes there.
        var leaked = t.Subject.Names.Where(info.Secrets.Contains).ToList();
        if (leaked.Count > 0)
        {
            throw new FormatException($"Template {file} puts {string.Join(", ", leaked.Select(n => $"{{{{{n}}}}}"))} in its subject: "
                + "a secret belongs in the body only (the subject is stored in the message history).");
        }
        // A value that may be absent outside its own section would fail the send: refuse it now.
        var unguarded = parts.SelectMany(p => p.Unguarded).Where(n => !info.Required.Contains(n)).Distinct().ToList();
        if (unguarded.Count > 0)
        {
            throw new FormatException($"Template {file} uses {string.Join(", ", unguarded.Select(n => $"{{{{{n}}}}}"))} outside "
                + $"{{{{#{unguarded[0]}}}}}...{{{{/{unguarded[0]}}}}}: it may be absent, so use it only inside its own section.");
        }
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

    private static IEnumerable<string> Candidates(string? requested, string fallback)
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
}
