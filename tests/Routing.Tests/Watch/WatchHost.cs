using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.Watch;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Complaints.Routing.Tests.Watch;

/// <summary>
/// One Routing "replica" for the watch: its own services around a RoutingDbContext with the change interceptor,
/// on a SQLite file created with EnsureCreated (Routing's migrations are being regenerated). Two hosts given the
/// same file and Redis act as two replicas.
/// </summary>
public sealed class WatchHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TempFolder? _folder;
    private readonly IConnectionMultiplexer? _redis;

    private WatchHost(ServiceProvider services, TempFolder? folder, IConnectionMultiplexer? redis, string databasePath)
    {
        _services = services;
        _folder = folder;
        _redis = redis;
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    public FakeTimeProvider Clock => (FakeTimeProvider)_services.GetRequiredService<TimeProvider>();

    public CaseWatch Watch => _services.GetRequiredService<CaseWatch>();

    public CaseChangeSignal Signal => _services.GetRequiredService<CaseChangeSignal>();

    public CaseJournal Journal => _services.GetRequiredService<CaseJournal>();

    public StoppableLifetime Lifetime => (StoppableLifetime)_services.GetRequiredService<IHostApplicationLifetime>();

    /// <param name="sharedWith">Another host whose database (and master key) this one shares, as a second replica.</param>
    public static async Task<WatchHost> StartAsync(string? redis = null, WatchHost? sharedWith = null, TimeSpan? pollInterval = null, int batchSize = 200)
    {
        var folder = sharedWith is null ? new TempFolder("routing-watch-tests") : null;
        var path = sharedWith?.DatabasePath ?? folder!.File("routing.db");
        var masterKey = sharedWith?._services.GetRequiredService<IConfiguration>()["Routing:MasterKey"] ?? TestKeys.NewKey();
        var multiplexer = redis is null ? null : await ConnectionMultiplexer.ConnectAsync(redis);

        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Routing:MasterKey"] = masterKey }).Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)));
        services.AddSingleton<IHostApplicationLifetime, StoppableLifetime>();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (multiplexer is not null)
        {
            services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        }
        services.Configure<CaseWatchOptions>(o =>
        {
            o.PollInterval = pollInterval ?? TimeSpan.FromSeconds(5);
            o.BatchSize = batchSize;
        });
        services.AddSingleton(sp => new CaseChangeSignal(sp.GetService<IConnectionMultiplexer>(), sp.GetRequiredService<ILogger<CaseChangeSignal>>()));
        services.AddSingleton<IInterceptor, CaseChangeInterceptor>();
        services.AddSingleton<CaseWatch>();
        services.AddSingleton(CaseText.From(configuration));
        services.AddSingleton<CaseJournal>();
        // Built as AddServiceDatabase builds it: every registered interceptor on the options.
        services.AddDbContext<RoutingDbContext>((sp, o) => o
            .UseSqlite($"Data Source={path};Pooling=False")
            .AddInterceptors(sp.GetServices<IInterceptor>()));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        if (sharedWith is null)
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Database.EnsureCreatedAsync();
        }
        return new WatchHost(provider, folder, multiplexer, path);
    }

    /// <summary>A unit of work on a fresh context, as a request handler has.</summary>
    public async Task<T> WithDbAsync<T>(Func<RoutingDbContext, Task<T>> work)
    {
        await using var scope = _services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }

    /// <summary>A case with the given entries (title, public), recorded through the journal and saved once.</summary>
    public Task<Case> SeedCaseAsync(params (string Title, bool Public)[] entries) => WithDbAsync(async db =>
    {
        var receivedAt = Clock.GetUtcNow();
        var c = new Case
        {
            ComplaintId = Guid.NewGuid(),
            Reference = Envelopes.NewReference(),
            Status = (int)CaseStatus.Received,
            Category = "billing",
            Channel = (int)Common.V1.Channel.Web,
            Jurisdiction = (int)Jurisdiction.UkFca,
            PreferredLanguage = "en",
            ReceivedAt = receivedAt,
            OpenedAt = receivedAt,
        };
        Journal.Text.Provision(c);
        db.Cases.Add(c);
        foreach (var (title, isPublic) in entries)
        {
            Journal.Record(db, c, EntryKinds.System, title, CaseJournal.System, $"Detail of {title}", isPublic: isPublic,
                code: isPublic ? PublicCodes.UpdatePosted : null);
        }
        await db.SaveChangesAsync();
        return c;
    });

    /// <summary>Appends one entry to a stored case through the journal, as a command handler does.</summary>
    public Task AppendAsync(Guid complaintId, string title, bool isPublic, string actor = "agent-7") => WithDbAsync(async db =>
    {
        var c = await db.Cases.SingleAsync(x => x.ComplaintId == complaintId);
        Journal.Record(db, c, isPublic ? EntryKinds.PublicUpdate : EntryKinds.Note, title, actor, $"Detail of {title}", isPublic: isPublic,
            code: isPublic ? PublicCodes.UpdatePosted : null);
        return await db.SaveChangesAsync();
    });

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            _folder.Dispose();
        }
    }
}

/// <summary>The host's lifetime, stoppable by the test.</summary>
public sealed class StoppableLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}

/// <summary>A server stream's writer that hands each message to the test as it is written.</summary>
public sealed class StreamCapture<T> : IServerStreamWriter<T>
{
    private readonly System.Threading.Channels.Channel<T> _messages = System.Threading.Channels.Channel.CreateUnbounded<T>();

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => _messages.Writer.WriteAsync(message).AsTask();

    public Task WriteAsync(T message, CancellationToken cancellationToken) => _messages.Writer.WriteAsync(message, cancellationToken).AsTask();

    /// <summary>The next <paramref name="count"/> messages, failing with <paramref name="what"/> when they do not come.</summary>
    public async Task<List<T>> TakeAsync(int count, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        var taken = new List<T>();
        try
        {
            while (taken.Count < count)
            {
                taken.Add(await _messages.Reader.ReadAsync(cts.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Timed out waiting for {what}: got {taken.Count} of {count}.");
        }
        return taken;
    }

    public bool TryTake(out T? message) => _messages.Reader.TryRead(out message);
}
