using System.Diagnostics;
using System.Net;
using Complaints.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Complaints.Eventing.Tests.Infrastructure;

internal static class TestApps
{
    /// <summary>
    /// A real Kestrel on 127.0.0.1 (port 0 = any free port) speaking h2c, with only the given
    /// configuration: no appsettings, environment variables or arguments leak in.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(TestEnv env, string appName, IDictionary<string, string?> settings, int port)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = env.Dir,
            EnvironmentName = "Development",
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(new TestLoggerProvider(env.Log, appName));
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        return builder;
    }

    /// <summary>
    /// A SQLite file <c>{DataDir}/{name}.db</c> in WAL mode, created at start. Wired like a service's
    /// database: the context is built with every registered <see cref="IInterceptor"/>, which is how
    /// AddEventLog's commit signal is attached. (The services' own database wiring, with per-provider
    /// migrations, is theirs to test; these hosts need a schema for test-only contexts.)
    /// </summary>
    public static WebApplicationBuilder AddTestDatabase<TContext>(this WebApplicationBuilder builder, string name)
        where TContext : DbContext
    {
        builder.Services.AddDbContext<TContext>((sp, o) =>
        {
            var dir = sp.GetRequiredService<IConfiguration>()["DataDir"] ?? throw new InvalidOperationException("DataDir is not set.");
            o.UseSqlite($"Data Source={Path.Combine(dir, name + ".db")};Pooling=True");
            o.AddInterceptors(sp.GetServices<IInterceptor>());
        });
        builder.Services.AddHostedService<TestDatabaseInitializer<TContext>>();
        return builder;
    }

    public static int BoundPort(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Uri(address).Port;
    }
}

/// <summary>A producing service: its own SQLite database (state + event log) and the feed.</summary>
public sealed class ProducerHost : IAsyncDisposable
{
    private bool _stopped;
    private int _subscribeCalls;

    private ProducerHost(WebApplication app, int port)
    {
        App = app;
        Port = port;
    }

    /// <summary>How many Subscribe calls reached this host (authorized or not).</summary>
    public int SubscribeCalls => Volatile.Read(ref _subscribeCalls);

    public WebApplication App { get; }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public static async Task<ProducerHost> StartAsync(
        TestEnv env,
        int port = 0,
        string serviceName = "producer",
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        string appName = "producer")
    {
        var config = new Dictionary<string, string?>(env.Issuer.Settings())
        {
            ["DataDir"] = env.Dir,
            // Streams look at the log only when signalled: a lost wake-up shows as a timeout, not as a 5 s delay.
            ["EventFeed:PollInterval"] = "00:05:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        var builder = TestApps.CreateBuilder(env, appName, config, port);
        builder.AddServiceDefaults(serviceName);
        // The database file is named after "producer" whatever the service name, so replicas share it.
        builder.AddTestDatabase<ProducerDb>("producer");
        configure?.Invoke(builder);
        builder.AddEventLog();

        var app = builder.Build();
        ProducerHost? host = null;
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/complaints.eventing.v1.EventFeed/Subscribe") && host is not null)
            {
                Interlocked.Increment(ref host._subscribeCalls);
            }
            return next(context);
        });
        app.MapDefaultEndpoints();
        app.MapEventFeed<ProducerDb>();
        await app.StartAsync();
        host = new ProducerHost(app, TestApps.BoundPort(app));
        return host;
    }

    /// <summary>Appends complaints and their events, one transaction per call.</summary>
    public async Task<List<StoredEvent>> AppendAsync(int count, string tag = "c")
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
        var events = db.AddComplaints(count, tag);
        await db.SaveChangesAsync();
        return events;
    }

    /// <summary>Stops the host; returns how long the graceful stop took.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        if (_stopped)
        {
            return TimeSpan.Zero;
        }
        _stopped = true;
        var clock = Stopwatch.StartNew();
        await App.StopAsync();
        var elapsed = clock.Elapsed;
        await App.DisposeAsync();
        return elapsed;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>A consuming service: its own SQLite database (inbox, checkpoint, projection) subscribed to "producer".</summary>
public sealed class ConsumerHost : IAsyncDisposable
{
    private bool _stopped;

    private ConsumerHost(WebApplication app, ConsumerProbe probe)
    {
        App = app;
        Probe = probe;
    }

    public WebApplication App { get; }

    public ConsumerProbe Probe { get; }

    public static async Task<ConsumerHost> StartAsync(TestEnv env, Uri producer, ConsumerProbe? probe = null, string appName = "consumer")
    {
        probe ??= new ConsumerProbe();
        var config = new Dictionary<string, string?>(env.Issuer.Settings())
        {
            ["DataDir"] = env.Dir,
            ["Services:producer"] = producer.ToString().TrimEnd('/'),
        };
        var builder = TestApps.CreateBuilder(env, appName, config, port: 0);
        builder.AddServiceDefaults("consumer");
        builder.AddTestDatabase<ConsumerDb>("consumer");
        builder.Services.AddSingleton(probe);
        builder.AddEventSubscription<ConsumerDb>("producer");
        builder.AddEventHandler<ConsumerDb, RecordingHandler>();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return new ConsumerHost(app, probe);
    }

    public async Task<TimeSpan> StopAsync()
    {
        if (_stopped)
        {
            return TimeSpan.Zero;
        }
        _stopped = true;
        var clock = Stopwatch.StartNew();
        await App.StopAsync();
        var elapsed = clock.Elapsed;
        await App.DisposeAsync();
        return elapsed;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

internal sealed class TestDatabaseInitializer<TContext>(IServiceProvider services) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.EnsureCreatedAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
