using System.Globalization;
using System.Reflection;
using System.Text;

namespace Complaints.Insights.Domain;

/// <summary>
/// Splits text into terms for counting, in any script: NFKC, lower case, words are runs of letters, digits
/// and combining marks (apostrophes and hyphens inside a word are kept). Stop words are chosen by each word's
/// script (Hangul → Korean, Cyrillic → Bulgarian, else English), so a mixed text is handled word by word.
/// Korean words lose a trailing particle (은/는/이/가/을/를/에/에서/으로/로/와/과/도/만/의/에게/께/까지/부터/요),
/// keeping at least two syllables. Dropped: numbers, single letters, CFPB redactions (xx, xxxx, xx/xx/xxxx).
/// </summary>
public static class Tokenizer
{
    public const int MaxTermLength = 64;
    public const int MaxTermsPerDocument = 200;

    private static readonly string[] Particles =
        ["에서", "으로", "에게", "까지", "부터", "께서", "은", "는", "이", "가", "을", "를", "에", "로", "와", "과", "도", "만", "의", "께", "요"];

    private static readonly Lazy<IReadOnlyDictionary<string, HashSet<string>>> StopWords = new(LoadStopWords);

    /// <summary>The distinct terms of a document (a term counts once per document).</summary>
    public static IReadOnlyList<string> Terms(string? text)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(text ?? string.Empty))
        {
            var term = Normalize(word);
            if (term is not null && seen.Add(term))
            {
                result.Add(term);
                if (result.Count == MaxTermsPerDocument)
                {
                    break;
                }
            }
        }
        return result;
    }

    public static IEnumerable<string> Words(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var word = new StringBuilder();
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            var inWord = char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                || char.IsSurrogate(c)
                || ((c == '\'' || c == '’' || c == '-') && word.Length > 0 && i + 1 < normalized.Length && char.IsLetter(normalized[i + 1]));
            if (inWord)
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static string? Normalize(string word)
    {
        var term = word.ToLowerInvariant().Replace('’', '\'');
        if (term.All(c => char.IsDigit(c) || c == '-' || c == '\'') || IsRedaction(term))
        {
            return null;
        }
        var language = ScriptOf(term);
        if (language == "ko")
        {
            term = StripParticle(term);
        }
        if (new StringInfo(term).LengthInTextElements < 2 || term.Length > MaxTermLength)
        {
            return null;
        }
        return StopWords.Value.TryGetValue(language, out var stops) && stops.Contains(term) ? null : term;
    }

    private static bool IsRedaction(string term) => term.Length >= 2 && term.All(c => c == 'x');

    private static string StripParticle(string term)
    {
        foreach (var particle in Particles)
        {
            if (term.EndsWith(particle, StringComparison.Ordinal) && term.Length - particle.Length >= 2)
            {
                return term[..^particle.Length];
            }
        }
        return term;
    }

    /// <summary>"ko" for Hangul, "bg" for Cyrillic, "en" otherwise (the word's first letter decides).</summary>
    public static string ScriptOf(string word)
    {
        foreach (var c in word)
        {
            if (c is >= '\uAC00' and <= '\uD7A3' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F')
            {
                return "ko";
            }
            if (c is >= '\u0400' and <= '\u04FF')
            {
                return "bg";
            }
            if (char.IsLetter(c))
            {
                return "en";
            }
        }
        return "en";
    }

    /// <summary>Stop words ship as data files (StopWords/*.txt, embedded): one word a line, # comments.</summary>
    private static IReadOnlyDictionary<string, HashSet<string>> LoadStopWords()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var map = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".StopWords.", StringComparison.Ordinal)))
        {
            var language = name.Split('.')[^2];
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            map[language] = reader.ReadToEnd().Split('\n')
                .Select(l => l.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .ToHashSet(StringComparer.Ordinal);
        }
        return map;
    }
}
