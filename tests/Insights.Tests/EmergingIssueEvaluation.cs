using System.Globalization;
using System.Text;
using Complaints.Insights.Domain;
using Xunit.Abstractions;

namespace Complaints.Insights.Tests;

/// <summary>
/// The detector on real data: the CFPB sample (Data/cfpb-sample.csv) made stationary by giving every row a random
/// day (the sample's own dates are skewed by how it was drawn), with spikes injected at known days and sizes. The
/// figures printed here are the ones in docs/insights.md. Series are scored day by day with the detector's own
/// <see cref="SpikeTest"/>, baseline and warm-up rules and its default options.
/// </summary>
public sealed class EmergingIssueEvaluation(ITestOutputHelper output)
{
    private const int Trials = 40;
    private static readonly DetectorOptions Options = new();

    /// <param name="Collateral">Alerts, during a spike, on other words of the injected documents: real rises, not false alarms.</param>
    public sealed record Result(string Level, int Size, int Days, int Trials, double Recall, double Precision, double MeanDelay, int FalseAlarms, long SeriesDays, int Collateral);

    [Fact]
    public void Evaluate_CategorySpikes_HighRecallAndPrecision()
    {
        var results = new[] { 2, 3, 5, 8 }.Select(size => Categories(size)).ToList();
        Print(results);

        var large = results.Single(r => r.Size == 8);
        Assert.True(large.Recall >= 0.9, $"recall {large.Recall}");
        Assert.True(large.Precision >= 0.9, $"precision {large.Precision}");
        Assert.True(large.MeanDelay <= 1.0, $"delay {large.MeanDelay}");
        Assert.True(results.Single(r => r.Size == 5).Recall >= 0.8);
    }

    [Fact]
    public void Evaluate_TermSpikes_HighRecallAndPrecision()
    {
        var results = new[] { 3, 5, 8 }.Select(size => Terms(size)).ToList();
        Print(results);

        var large = results.Single(r => r.Size == 8);
        Assert.True(large.Recall >= 0.9, $"recall {large.Recall}");
        Assert.True(large.Precision >= 0.5, $"precision {large.Precision}");
        Assert.True(large.MeanDelay <= 1.0, $"delay {large.MeanDelay}");
    }

    [Fact]
    public void Evaluate_NoSpike_FewFalseAlarms()
    {
        var quiet = Categories(0);
        var quietTerms = Terms(0);
        Print([quiet, quietTerms]);

        // At most one false alarm per 1,000 category-days and per 10,000 term-days.
        Assert.True(quiet.FalseAlarms * 1000.0 / quiet.SeriesDays <= 1.0, $"{quiet.FalseAlarms} in {quiet.SeriesDays}");
        Assert.True(quietTerms.FalseAlarms * 10000.0 / quietTerms.SeriesDays <= 1.0, $"{quietTerms.FalseAlarms} in {quietTerms.SeriesDays}");
    }

    /// <summary>Products over 180 days; a spike adds <paramref name="size"/> complaints a day for 5 days to one product.</summary>
    private static Result Categories(int size)
    {
        const int days = 180, length = 5;
        var rows = Sample();
        var products = rows.Select(r => r.Product).Distinct().Order(StringComparer.Ordinal).ToList();
        var spikeable = rows.GroupBy(r => r.Product).Where(g => g.Count() >= 10).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
        var tally = new Tally();
        for (var trial = 0; trial < Trials; trial++)
        {
            var random = new Random(1000 + trial);
            var series = products.ToDictionary(p => p, _ => new long[days]);
            foreach (var row in rows)
            {
                series[row.Product][random.Next(days)]++;
            }
            var target = spikeable[random.Next(spikeable.Count)];
            var start = random.Next(40, days - length);
            if (size > 0)
            {
                for (var d = start; d < start + length; d++)
                {
                    series[target][d] += size;
                }
            }
            foreach (var (product, counts) in series)
            {
                tally.Add(Alerts(counts), size > 0 && product == target, start, length, counts.Length);
            }
            tally.EndTrial(size > 0);
        }
        return tally.Result("category", size, days);
    }

    /// <summary>
    /// Narrative terms over 60 days; a spike adds <paramref name="size"/> documents a day for 3 days, each a random real
    /// narrative with the target term added (so its other words rise too, as in life).
    /// </summary>
    private static Result Terms(int size)
    {
        const int days = 60, length = 3;
        var documents = Sample().Where(r => r.Narrative.Length > 0).Select(r => Tokenizer.Terms(r.Narrative)).ToList();
        var frequency = documents.SelectMany(d => d).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        // Targets: terms already present but not common (3 to 20 of the 272 narratives).
        var targets = frequency.Where(f => f.Value is >= 3 and <= 20).Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
        var tally = new Tally();
        for (var trial = 0; trial < Trials; trial++)
        {
            var random = new Random(2000 + trial);
            var series = new Dictionary<string, long[]>(StringComparer.Ordinal);
            void Count(IEnumerable<string> terms, int day)
            {
                foreach (var term in terms)
                {
                    if (!series.TryGetValue(term, out var counts))
                    {
                        series[term] = counts = new long[days];
                    }
                    counts[day]++;
                }
            }
            foreach (var document in documents)
            {
                Count(document, random.Next(days));
            }
            var target = targets[random.Next(targets.Count)];
            var start = random.Next(30, days - length);
            var injected = new HashSet<string>(StringComparer.Ordinal);
            if (size > 0)
            {
                for (var d = start; d < start + length; d++)
                {
                    for (var i = 0; i < size; i++)
                    {
                        var document = documents[random.Next(documents.Count)].Append(target).Distinct().ToList();
                        injected.UnionWith(document);
                        Count(document, d);
                    }
                }
            }
            foreach (var (term, counts) in series)
            {
                tally.Add(Alerts(counts, firstDay: 0), size > 0 && term == target, start, length, counts.Length, collateral: term != target && injected.Contains(term));
            }
            tally.EndTrial(size > 0);
        }
        return tally.Result("term", size, days);
    }

    /// <summary>Alerts as the detector keeps them: days that fire, a day's gap closing one. (first day, last day) each.</summary>
    public static List<(int First, int Last)> Alerts(long[] counts, int? firstDay = null)
    {
        var first = firstDay ?? Array.FindIndex(counts, c => c > 0);
        var alerts = new List<(int First, int Last)>();
        if (first < 0)
        {
            return alerts;
        }
        for (var day = first + Options.WarmUpDays; day < counts.Length; day++)
        {
            var start = Math.Max(day - Options.WindowDays, first);
            if (!SpikeTest.Evaluate(counts[start..day], counts[day], Options).Fires)
            {
                continue;
            }
            if (alerts.Count > 0 && alerts[^1].Last >= day - 1)
            {
                alerts[^1] = (alerts[^1].First, day);
            }
            else
            {
                alerts.Add((day, day));
            }
        }
        return alerts;
    }

    private sealed class Tally
    {
        private int _trials, _detected, _truePositives, _falsePositives, _collateral;
        private long _seriesDays;
        private readonly List<int> _delays = [];
        private bool _found;

        public void Add(List<(int First, int Last)> alerts, bool isTarget, int start, int length, int days, bool collateral = false)
        {
            _seriesDays += days;
            foreach (var (first, last) in alerts)
            {
                var during = first <= start + length - 1 && last >= start;
                if (collateral && during)
                {
                    _collateral++;
                }
                else if (isTarget && during)
                {
                    _truePositives++;
                    if (!_found)
                    {
                        _found = true;
                        _delays.Add(Math.Max(first, start) - start);
                    }
                }
                else
                {
                    _falsePositives++;
                }
            }
        }

        public void EndTrial(bool spiked)
        {
            _trials++;
            _detected += spiked && _found ? 1 : 0;
            _found = false;
        }

        public Result Result(string level, int size, int days) => new(level, size, days, _trials,
            Recall: size == 0 ? 0 : Math.Round((double)_detected / _trials, 3),
            Precision: _truePositives + _falsePositives == 0 ? 0 : Math.Round((double)_truePositives / (_truePositives + _falsePositives), 3),
            MeanDelay: _delays.Count == 0 ? double.NaN : Math.Round(_delays.Average(), 2),
            FalseAlarms: _falsePositives, SeriesDays: _seriesDays, Collateral: _collateral);
    }

    private void Print(IEnumerable<Result> results)
    {
        output.WriteLine("| level | injected per day | trials | recall | precision | mean delay (days) | false alarms | series-days | co-occurring words flagged |");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Level} | {r.Size} | {r.Trials} | {r.Recall:0.000} | {r.Precision:0.000} | {r.MeanDelay:0.00} | {r.FalseAlarms} | {r.SeriesDays} | {r.Collateral} |"));
        }
    }

    public sealed record Row(string Product, string Narrative);

    /// <summary>The sample, products under one name each (the CFPB renamed some in 2017).</summary>
    public static List<Row> Sample()
    {
        var lines = Csv.Read(Path.Combine(AppContext.BaseDirectory, "Data", "cfpb-sample.csv"));
        var header = lines[0];
        int product = Array.IndexOf(header, "Product"), narrative = Array.IndexOf(header, "Consumer complaint narrative");
        return lines.Skip(1).Select(l => new Row(NormalizeProduct(l[product]), l[narrative])).ToList();
    }

    private static string NormalizeProduct(string product) => product switch
    {
        "Credit reporting, credit repair services, or other personal consumer reports" or "Credit reporting" => "Credit reporting or other personal consumer reports",
        "Credit card" or "Prepaid card" => "Credit card or prepaid card",
        "Money transfers" or "Virtual currency" => "Money transfer, virtual currency, or money service",
        "Bank account or service" => "Checking or savings account",
        "Payday loan" or "Consumer Loan" => "Payday loan, title loan, or personal loan",
        _ => product,
    };
}

/// <summary>RFC 4180 reader: quoted fields may hold commas, quotes ("") and newlines.</summary>
public static class Csv
{
    public static List<string[]> Read(string path)
    {
        var text = File.ReadAllText(path);
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add([.. row]);
        }
        return rows;
    }
}
