using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Complaints.Intake.V1;
using Complaints.TestSupport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Complaints.Insights.Tests;

/// <summary>Insights' schema on a real SQLite file of its own; a fresh context per event, as the subscriber does.</summary>
public sealed class InsightsDb() : SqliteTestDb<InsightsDbContext>("insights", options =>
    new InsightsDbContext(new DbContextOptionsBuilder<InsightsDbContext>(options).AddInterceptors(new SqliteSecureDelete()).Options))
{
    public async Task ApplyAsync(IEventHandler<InsightsDbContext> handler, IMessage payload)
    {
        var envelope = Envelopes.For(payload, handler.Source);
        Assert.Equal(handler.EventType, envelope.Type);
        await base.ApplyAsync(handler, envelope);
    }

    public async Task<long?> CounterAsync(string dimension, string key)
    {
        await using var db = Open();
        return await db.Counters.Where(c => c.Dimension == dimension && c.Key == key).Select(c => (long?)c.Value).SingleOrDefaultAsync();
    }

    public string File
    {
        get
        {
            using var db = Open();
            return db.Database.GetDbConnection().DataSource;
        }
    }

    /// <summary>Everything in the database's files (main, journal, WAL) as UTF-8, to look for text that must not be there.</summary>
    public string StoredText()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(Path.GetDirectoryName(File)!).Where(f => Path.GetFileName(f).StartsWith(Path.GetFileName(File), StringComparison.Ordinal));
        return string.Concat(files.Select(f => System.Text.Encoding.UTF8.GetString(System.IO.File.ReadAllBytes(f))));
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Complaint texts as Intake would serve them; a missing id reads as erased.</summary>
public sealed class FakeTexts : IComplaintTextSource
{
    public Dictionary<string, string> Texts { get; } = [];

    public Task<string?> GetTextAsync(string complaintId, CancellationToken ct) => Task.FromResult(Texts.GetValueOrDefault(complaintId));
}

/// <summary>
/// Every Insights handler wired by hand over a test database, with a manual clock and fake texts, so a test feeds
/// events in a chosen order (the subscriber's unit of work: one context and SaveChanges per event).
/// </summary>
public sealed class Pipeline : IDisposable
{
    public Pipeline(DetectorOptions? detector = null)
    {
        Detector = new Detector(Options.Create(detector ?? new DetectorOptions()), Clock);
        Keys = new InsightsKeys(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [InsightsKeys.Setting] = TestKeys.NewKey() }).Build());
        Links = new TermLinks(Keys);
        Surveys = new Surveys(Options.Create(new InsightsOptions { PublicBaseUrl = "https://complaints.example.org/" }), Clock, Detector, Links);
        Handlers =
        [
            new CountReceived(), new CountOpened(), new CountAcknowledged(), new CountDelivered(),
            new FactReceived(), new CountComplaintTerms(Texts, Detector, Links), new ForgetComplainant(Links, Clock),
            new FactOpened(), new FactAssigned(), new FactAcknowledged(), new FactEscalated(), new FactReopened(),
            new FactFinalResponse(Surveys), new FactClosed(FcaCalendar.From(new ConfigurationBuilder().Build())),
            new WithdrawSurveyOfWithdrawnComplaint(Surveys),
        ];
    }

    public InsightsDb Db { get; } = new();
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    public FakeTexts Texts { get; } = new();
    public Detector Detector { get; }
    public InsightsKeys Keys { get; }
    public TermLinks Links { get; }
    public Surveys Surveys { get; }
    public IReadOnlyList<IEventHandler<InsightsDbContext>> Handlers { get; }

    /// <summary>Every envelope fed so far, in order, for a replay.</summary>
    public List<EventEnvelope> Fed { get; } = [];

    private readonly Dictionary<string, long> _sequences = [];

    /// <summary>An envelope with the next sequence number of its feed, as the producer numbers them.</summary>
    private EventEnvelope Next(IMessage e, string source)
    {
        var envelope = Envelopes.For(e, source);
        envelope.Sequence = _sequences[source] = _sequences.GetValueOrDefault(source) + 1;
        return envelope;
    }

    public async Task FeedAsync(params IMessage[] events)
    {
        foreach (var e in events)
        {
            var handlers = Handlers.Where(h => h.EventType == e.Descriptor.FullName).ToList();
            Assert.NotEmpty(handlers);
            var envelope = Next(e, handlers[0].Source);
            await ApplyAsync(envelope);
            Fed.Add(envelope);
        }
    }

    public async Task ApplyAsync(EventEnvelope envelope)
    {
        await using var db = Db.Open();
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var handler in Handlers.Where(h => h.EventType == envelope.Type))
        {
            await handler.HandleAsync(envelope, db, CancellationToken.None);
        }
        await CheckpointAsync(db, envelope);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    /// <summary>The feed's checkpoint, moved as the subscriber moves it.</summary>
    private static async Task CheckpointAsync(InsightsDbContext db, EventEnvelope envelope)
    {
        var checkpoint = db.FeedCheckpoints.Local.FirstOrDefault(c => c.Source == envelope.Source)
            ?? await db.FeedCheckpoints.FirstOrDefaultAsync(c => c.Source == envelope.Source);
        if (checkpoint is null)
        {
            db.FeedCheckpoints.Add(new FeedCheckpoint { Source = envelope.Source, Sequence = envelope.Sequence, UpdatedAt = DateTimeOffset.UtcNow });
        }
        else if (envelope.Sequence > checkpoint.Sequence)
        {
            checkpoint.Sequence = envelope.Sequence;
        }
    }

    /// <summary>Events that arrived together, applied in one context and transaction, as the subscriber does.</summary>
    public async Task FeedBatchAsync(params IMessage[] events)
    {
        await using var db = Db.Open();
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var e in events)
        {
            var handlers = Handlers.Where(h => h.EventType == e.Descriptor.FullName).ToList();
            var envelope = Next(e, handlers[0].Source);
            foreach (var handler in handlers)
            {
                await handler.HandleAsync(envelope, db, CancellationToken.None);
            }
            await CheckpointAsync(db, envelope);
            Fed.Add(envelope);
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    public Task<T> QueryAsync<T>(Func<InsightsDbContext, Task<T>> query) => Db.QueryAsync(query);

    public void Dispose() => Db.Dispose();
}

/// <summary>Builders for the feeds' events with the fields Insights reads.</summary>
public static class Events
{
    public static readonly DateTimeOffset Day0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    public static Timestamp At(int day, double hours = 9) => Timestamp.FromDateTimeOffset(Day0.AddDays(day).AddHours(hours));

    public static string Date(int day) => Day0.AddDays(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static ComplaintReceived Received(string id, string category, Channel channel = Channel.Web, Jurisdiction jurisdiction = Jurisdiction.UkFca,
        int day = 0, double hours = 9, string fca = "", string cfpb = "", string subcategory = "", bool hasContact = true, string language = "en") => new()
        {
            ComplaintId = id,
            Reference = "CMP-" + id.ToUpperInvariant(),
            Category = category,
            Channel = channel,
            Jurisdiction = jurisdiction,
            ReceivedAt = At(day, hours),
            FcaProductGroup = fca,
            CfpbProduct = cfpb,
            Subcategory = subcategory,
            HasContact = hasContact,
            PreferredLanguage = language,
        };

    public static string Reference(string id) => "CMP-" + id.ToUpperInvariant();
}

/// <summary>The service in-process with fake complaint texts and known settings.</summary>
public sealed class InsightsFactory(IDictionary<string, string?>? settings = null) : ServiceFactory<Program>(WithDefaults(settings))
{
    public FakeTexts Texts { get; } = new();

    private static Dictionary<string, string?> WithDefaults(IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Insights:PublicBaseUrl"] = "https://complaints.example.org",
            ["Insights:MasterKey"] = TestKeys.NewKey(),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }
        return all;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IComplaintTextSource>(Texts));
    }

    /// <summary>Feeds events through the service's own registered handlers and database, as its subscriber would.</summary>
    public async Task FeedAsync(params IMessage[] events)
    {
        foreach (var e in events)
        {
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InsightsDbContext>();
            var handlers = scope.ServiceProvider.GetServices<IEventHandler<InsightsDbContext>>().Where(h => h.EventType == e.Descriptor.FullName).ToList();
            Assert.NotEmpty(handlers);
            await using var tx = await db.Database.BeginTransactionAsync();
            foreach (var handler in handlers)
            {
                await handler.HandleAsync(Envelopes.For(e, handler.Source), db, CancellationToken.None);
            }
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
    }
}
