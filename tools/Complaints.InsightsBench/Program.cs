using System.Diagnostics;
using System.Globalization;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

// Seeds N complaints' lives through Insights' own projection handlers (FactReceived ... FactClosed, and the survey
// answer's counting) into a fresh, migrated SQLite file, then times GetMetricSeries' query (SeriesQueries, in
// process: no gRPC hop) and prints medians. Usage (docs/BENCHMARKS.md):
//   dotnet run -c Release --project tools/Complaints.InsightsBench -- [complaints=10000] [--bulk] [--batch N] [--runs 7] [--keep]
// Default: the events in time order, units of work of 500 events with their inbox rows, as the subscriber applies a
// feed. --bulk (for a million): units of 20,000 events (about a fortnight of a million complaints' lives), no inbox
// rows, and the context's BulkLoad so the same handlers' day metrics are merged in memory and written once per unit,
// like the series: a unit's figures of one cell and day become one row upsert instead of one statement per figure.
var complaints = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 10_000;
var bulk = args.Contains("--bulk");
var batch = Option("--batch", bulk ? 20_000 : 500);
var runs = Option("--runs", 7);
var keep = args.Contains("--keep");

var folder = Path.Combine(Path.GetTempPath(), $"insights-bench-{complaints}-{Guid.NewGuid():N}");
Directory.CreateDirectory(folder);
var file = Path.Combine(folder, "insights.db");
var options = new DbContextOptionsBuilder<SqliteInsightsDbContext>()
    .UseSqlite($"Data Source={file}")
    .AddInterceptors(new SqliteSecureDelete())
    .Options;
await using (var db = new SqliteInsightsDbContext(options))
{
    await db.Database.MigrateAsync();
    // As the service runs SQLite (DatabaseMigrations): WAL.
    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
}

var seeder = new Seeder(options, batch, bulk);
var watch = Stopwatch.StartNew();
var events = await seeder.SeedAsync(complaints);
watch.Stop();
var size = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
long cells, causes;
await using (var db = new SqliteInsightsDbContext(options))
{
    cells = await db.SeriesCells.LongCountAsync();
    causes = await db.SeriesRootCauses.LongCountAsync();
}
Console.WriteLine($"seeded {complaints:N0} complaints ({events:N0} events, {(bulk ? "bulk" : "subscriber-like")}, in time order, units of work of {batch} events) in {watch.Elapsed.TotalSeconds:F0} s; " +
    $"series_cell rows {cells:N0}, series_root_cause rows {causes:N0}, files {size / 1048576.0:F0} MiB");

// The dashboard's queries: the last year of the seeded two, by day, week and month, with and without combined filters.
var to = Seeder.LastDay;
var from = to.AddDays(-364);
(string Name, Action<GetMetricSeriesRequest> Filters)[] filters =
[
    ("no filter", _ => { }),
    ("category x2 AND jurisdiction", r => { r.Category.Add(["cat-01", "cat-04"]); r.Jurisdiction.Add(Jurisdiction.UkFca); }),
    ("category AND channel AND jurisdiction AND queue", r => { r.Category.Add("cat-02"); r.Channel.Add(Channel.Web); r.Jurisdiction.Add(Jurisdiction.UsCfpb); r.QueueId.Add("queue-3"); }),
];
Console.WriteLine($"GetMetricSeries {from:yyyy-MM-dd}..{to:yyyy-MM-dd}, median of {runs} runs after one warm-up, each in a fresh DbContext:");
Console.WriteLine("| bucket | filters | points | received | median ms | min ms | max ms |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var bucket in new[] { SeriesBucket.Day, SeriesBucket.Week, SeriesBucket.Month })
{
    foreach (var (name, apply) in filters)
    {
        var request = new GetMetricSeriesRequest { From = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), To = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Bucket = bucket };
        apply(request);
        var times = new List<double>();
        GetMetricSeriesResponse? response = null;
        for (var run = 0; run <= runs; run++)
        {
            await using var db = new SqliteInsightsDbContext(options);
            var started = Stopwatch.GetTimestamp();
            response = await new SeriesQueries(db).SeriesAsync(request, CancellationToken.None);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (run > 0)
            {
                times.Add(ms);
            }
        }
        times.Sort();
        Console.WriteLine($"| {bucket.ToString().ToLowerInvariant()} | {name} | {response!.Points.Count} | {response.Points.Sum(p => p.Received):N0} | {times[times.Count / 2]:F1} | {times[0]:F1} | {times[^1]:F1} |");
    }
}
if (!keep)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}
else
{
    Console.WriteLine($"kept {file}");
}
return 0;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>
/// Realistic lives over two years: 10 categories × 4 channels × 4 jurisdictions × 5 queues with skewed shares, fed to
/// the projection's handlers in time order, in units of work of <c>batch</c> events (one context, transaction and
/// SaveChanges each, with the inbox rows, as the subscriber applies a feed batch).
/// </summary>
internal sealed class Seeder(DbContextOptions<SqliteInsightsDbContext> options, int batch, bool bulk)
{
    public static readonly DateTime LastDay = new(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime FirstDay = LastDay.AddDays(-729);

    private static readonly Channel[] Channels = [Channel.Web, Channel.Email, Channel.Phone, Channel.PartnerApi];
    private static readonly Jurisdiction[] Jurisdictions = [Jurisdiction.UkFca, Jurisdiction.UsCfpb, Jurisdiction.EuPsd2, Jurisdiction.AuAsic];
    private static readonly string[] Causes = ["process", "staff", "system", "policy", "third-party", "communication", "pricing", "fraud", "delay", "product", "billing-error", "other"];

    private enum Kind : byte { Received, Opened, Acknowledged, Escalated, FinalResponse, Closed, Reopened, Reclosed, Merged, SurveyAnswer }

    private readonly record struct Step(long Ticks, int Complaint, Kind Kind);

    public async Task<long> SeedAsync(int complaints)
    {
        var random = new Random(15);
        var steps = new List<Step>(complaints * 6);
        var facts = new (int Category, int Channel, int Jurisdiction, int Queue, byte Cause, byte Satisfaction)[complaints];
        for (var i = 0; i < complaints; i++)
        {
            facts[i] = (Skewed(random, 10), Skewed(random, 4), Skewed(random, 4), Skewed(random, 5), (byte)Skewed(random, Causes.Length), (byte)random.Next(1, 6));
            var received = FirstDay.AddDays(random.NextDouble() * 730);
            void At(DateTime at, Kind kind) => steps.Add(new Step(at.Ticks, i, kind));
            At(received, Kind.Received);
            At(received.AddMinutes(1 + random.NextDouble() * 10), Kind.Opened);
            At(received.AddMinutes(LogUniform(random, 1, 3 * 24 * 60)), Kind.Acknowledged);
            if (random.NextDouble() < 0.08)
            {
                At(received.AddDays(1 + random.NextDouble() * 20), Kind.Escalated);
            }
            if (random.NextDouble() < 0.02)
            {
                At(received.AddDays(random.NextDouble() * 5), Kind.Merged);
                continue;
            }
            // About 6 % are still open at the end (no final response yet), as a live backlog.
            var responded = received.AddHours(LogUniform(random, 1, 90 * 24));
            if (responded > LastDay.AddDays(1) || random.NextDouble() < 0.03)
            {
                continue;
            }
            At(responded, Kind.FinalResponse);
            var closed = responded.AddDays(random.NextDouble() * 5);
            At(closed, Kind.Closed);
            if (random.NextDouble() < 0.25)
            {
                At(responded.AddDays(1 + random.NextDouble() * 9), Kind.SurveyAnswer);
            }
            if (random.NextDouble() < 0.03)
            {
                var reopened = closed.AddDays(1 + random.NextDouble() * 20);
                At(reopened, Kind.Reopened);
                At(reopened.AddDays(1 + random.NextDouble() * 20), Kind.Reclosed);
            }
        }
        steps.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));

        var keys = new InsightsKeys(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [InsightsKeys.Setting] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) }).Build());
        var detector = new Detector(Options.Create(new DetectorOptions()), TimeProvider.System);
        var surveys = new Surveys(Options.Create(new InsightsOptions()), TimeProvider.System, detector, new TermLinks(keys));
        var receivedHandler = new FactReceived();
        var opened = new FactOpened();
        var acknowledged = new FactAcknowledged();
        var escalated = new FactEscalated();
        var final = new FactFinalResponse(surveys);
        var closedHandler = new FactClosed(FcaCalendar.From(new ConfigurationBuilder().Build()));
        var reopenedHandler = new FactReopened();

        long done = 0;
        var units = 0;
        foreach (var unit in steps.Chunk(batch))
        {
            await using var db = new SqliteInsightsDbContext(options) { BulkLoad = bulk };
            await using var tx = await db.Database.BeginTransactionAsync();
            foreach (var step in unit)
            {
                var f = facts[step.Complaint];
                var id = "c" + step.Complaint.ToString("D7", CultureInfo.InvariantCulture);
                var at = Timestamp.FromDateTimeOffset(new DateTimeOffset(step.Ticks, TimeSpan.Zero));
                if (step.Kind == Kind.SurveyAnswer)
                {
                    // The answer's counting as SubmitSurvey does it (the token and survey row are not part of the aggregates).
                    var fact = await db.CaseFacts.FindAsync(id);
                    await Surveys.CountAnswerAsync(db, fact!, Days.Of(at.ToDateTimeOffset()), f.Satisfaction >= 3, f.Satisfaction, 2, CancellationToken.None);
                    continue;
                }
                (IEventHandler<InsightsDbContext> handler, IMessage payload) = step.Kind switch
                {
                    Kind.Received => ((IEventHandler<InsightsDbContext>)receivedHandler, (IMessage)new ComplaintReceived
                    {
                        ComplaintId = id,
                        Reference = "CMP-" + id.ToUpperInvariant(),
                        Category = "cat-" + f.Category.ToString("D2", CultureInfo.InvariantCulture),
                        Channel = Channels[f.Channel],
                        Jurisdiction = Jurisdictions[f.Jurisdiction],
                        ReceivedAt = at,
                        // No follow-up survey rows: answers are counted directly above.
                        HasContact = false,
                    }),
                    Kind.Opened => (opened, new CaseOpened { ComplaintId = id, QueueId = "queue-" + f.Queue, OpenedAt = at, FinalResponseDue = f.Jurisdiction < 2 ? Timestamp.FromDateTimeOffset(at.ToDateTimeOffset().AddDays(56)) : null }),
                    Kind.Acknowledged => (acknowledged, new CaseAcknowledged { ComplaintId = id, AcknowledgedAt = at }),
                    Kind.Escalated => (escalated, new CaseEscalated { ComplaintId = id, Tier = 1, At = at }),
                    Kind.FinalResponse => (final, new FinalResponseSent
                    {
                        ComplaintId = id,
                        At = at,
                        Outcome = f.Cause % 3 == 0 ? Outcome.NotUpheld : Outcome.Upheld,
                        WithinSla = f.Satisfaction > 1,
                        WithinStatutory = f.Satisfaction > 1,
                        RootCause = Causes[f.Cause],
                    }),
                    Kind.Closed or Kind.Reclosed => (closedHandler, new CaseClosed { ComplaintId = id, ClosedAt = at, Outcome = Outcome.Upheld }),
                    Kind.Merged => (closedHandler, new CaseClosed { ComplaintId = id, ClosedAt = at, MergedIntoReference = "CMP-C0000000" }),
                    _ => (reopenedHandler, new CaseReopened { ComplaintId = id, At = at }),
                };
                var envelope = new EventEnvelope
                {
                    EventId = Guid.NewGuid().ToString(),
                    Type = payload.Descriptor.FullName,
                    Source = handler.Source,
                    OccurredAt = at,
                    Payload = new Any { TypeUrl = "type.googleapis.com/" + payload.Descriptor.FullName, Value = payload.ToByteString() },
                };
                await handler.HandleAsync(envelope, db, CancellationToken.None);
                if (!bulk)
                {
                    db.ProcessedEvents.Add(new ProcessedEvent { EventId = Guid.Parse(envelope.EventId), Source = handler.Source, Sequence = ++done, ProcessedAt = DateTimeOffset.UtcNow });
                }
            }
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            if (++units % (bulk ? 20 : 1000) == 0)
            {
                Console.Error.WriteLine($"  {(long)units * batch:N0} of {steps.Count:N0} events");
            }
        }
        return steps.Count;
    }

    /// <summary>0 .. n−1, the first values more likely (shares roughly 1/(k+1)), as real mixes are.</summary>
    private static int Skewed(Random random, int n)
    {
        var weights = Enumerable.Range(1, n).Select(k => 1.0 / k).ToArray();
        var x = random.NextDouble() * weights.Sum();
        for (var k = 0; k < n; k++)
        {
            if ((x -= weights[k]) < 0)
            {
                return k;
            }
        }
        return n - 1;
    }

    private static double LogUniform(Random random, double min, double max) => Math.Exp(Math.Log(min) + random.NextDouble() * (Math.Log(max) - Math.Log(min)));
}
