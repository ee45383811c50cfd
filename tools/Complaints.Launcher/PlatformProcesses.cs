using System.Diagnostics;
using System.Net;

namespace Complaints.Launcher;

/// <summary>
/// Starts the platform's processes from their build output, each with the platform's configuration
/// (ports, service addresses, data folder, local keys), waits until each answers <c>/health/ready</c>,
/// and on dispose stops them all (SIGTERM, then the whole process tree is killed). Also kills them
/// if the hosting process exits without disposing.
/// </summary>
/// <example>
/// <code>
/// await using var platform = new PlatformProcesses(new PlatformOptions { UseFreePorts = true, DataDirectory = temp, EchoToConsole = false });
/// await platform.StartAsync();
/// var rest = platform.GatewayRestUrl;
/// </code>
/// </example>
public sealed class PlatformProcesses : IAsyncDisposable
{
    private static readonly string[] ForeignUrlVariables =
        ["ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS"];

    /// <summary>The staff console's client at the identity provider.</summary>
    public const string ConsoleClientId = "complaints-console";

    private readonly PlatformOptions _options;
    private readonly List<PlatformChild> _children = [];
    private readonly TaskCompletionSource<PlatformComponent> _unexpectedExit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Task? _stopping;
    private bool _started;

    public PlatformProcesses(PlatformOptions options)
    {
        _options = options;
        RepositoryRoot = Path.GetFullPath(options.RepositoryRoot ?? RepositoryLocator.FindRoot());
        DataDirectory = Path.GetFullPath(options.DataDirectory ?? Path.Combine(RepositoryRoot, ".data"));
        LogDirectory = Path.Combine(DataDirectory, "logs");
        Secrets = LocalSecrets.LoadOrCreate(DataDirectory);

        var wanted = options.Components?.Select(c => c.ToLowerInvariant()).ToHashSet() ?? [.. PlatformComponents.All];
        var unknown = wanted.Except(PlatformComponents.All).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown component(s): {string.Join(", ", unknown)}; known: {string.Join(", ", PlatformComponents.All)}.");
        }
        AllComponents = options.Layout
            ?? (options.UseFreePorts ? PlatformComponents.FreeLayout() : PlatformComponents.Layout(options.BasePort, options.GatewayPort));
        Components = AllComponents.Where(c => wanted.Contains(c.Name)).ToList();
    }

    public string RepositoryRoot { get; }

    public string DataDirectory { get; }

    /// <summary><c>{data}/logs</c>: one <c>{component}.log</c> per child.</summary>
    public string LogDirectory { get; }

    /// <summary>The keys handed to the services (from <c>{data}/local-secrets.json</c>).</summary>
    public LocalSecrets Secrets { get; }

    /// <summary>The components this instance starts.</summary>
    public IReadOnlyList<PlatformComponent> Components { get; }

    /// <summary>Every component's ports (also those not started: the others are told where they would be).</summary>
    public IReadOnlyList<PlatformComponent> AllComponents { get; }

    public PlatformComponent this[string name] =>
        AllComponents.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"No component '{name}'.");

    public PlatformComponent Gateway => this[PlatformComponents.Gateway];

    /// <summary>REST/JSON, gRPC-Web and the page (HTTP/1.1), e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public Uri GatewayRestUrl => new(Gateway.HttpUrl);

    /// <summary>gRPC over h2c, e.g. <c>http://127.0.0.1:8081</c>.</summary>
    public Uri GatewayGrpcUrl => new(Gateway.GrpcUrl);

    /// <summary>Completes with the first component that exited while it was not being stopped.</summary>
    public Task<PlatformComponent> UnexpectedExit => _unexpectedExit.Task;

    /// <summary>The loopback port Identity sends the command-line sign-in back to.</summary>
    public int CliCallbackPort => _options.CliCallbackPort;

    /// <summary>The local run's first admin (made at the first start with Identity), or null when it was made elsewhere.</summary>
    public LocalAdmin? LocalAdmin { get; private set; }

    /// <summary>The last lines a component wrote (stdout and stderr).</summary>
    public IReadOnlyList<string> LogTail(string name, int lines = 40)
    {
        lock (_gate)
        {
            return _children.FirstOrDefault(c => c.Component.Name == name)?.Tail(lines) ?? [];
        }
    }

    /// <summary>Starts every component and waits until each is ready. On failure stops them all and throws <see cref="PlatformStartException"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("Already started.");
            }
            _started = true;
        }
        var dotnet = _options.DotnetPath ?? DotnetHost.Find();
        CheckBuilt();
        CheckPortsFree();
        Directory.CreateDirectory(LogDirectory);
        if (Components.Any(c => c.Name == PlatformComponents.Identity))
        {
            LocalAdmin = await LocalAdmin.EnsureAsync(DataDirectory,
                () => StartInfo(AllComponents.First(c => c.Name == PlatformComponents.Identity), dotnet), cancellationToken).ConfigureAwait(false);
        }
        AppDomain.CurrentDomain.ProcessExit += OnHostExit;
        AppDomain.CurrentDomain.UnhandledException += OnHostExit;

        try
        {
            for (var i = 0; i < Components.Count; i++)
            {
                var component = Components[i];
                var child = PlatformChild.Start(component, StartInfo(component, dotnet),
                    Path.Combine(LogDirectory, component.Name + ".log"), _options, i);
                lock (_gate)
                {
                    _children.Add(child);
                }
                _ = child.Exited.ContinueWith(_ =>
                {
                    if (!child.Stopping)
                    {
                        _unexpectedExit.TrySetResult(component);
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops every child: SIGTERM, a grace period, then the whole process tree is killed. Idempotent.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    /// <summary>Kills one component's process tree at once, as a crash would (for fault tests); the others keep running.</summary>
    public async Task KillAsync(string name)
    {
        PlatformChild? child;
        lock (_gate)
        {
            child = _children.FirstOrDefault(c => c.Component.Name == name);
        }
        if (child is null)
        {
            throw new KeyNotFoundException($"Component '{name}' is not running in this instance.");
        }
        child.KillTree();
        await child.Exited.ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a component that <see cref="KillAsync"/> stopped, with the same ports, data and keys, and waits until it is
    /// ready again (for tests of what happens while it is away); stopped with the others on dispose.
    /// </summary>
    public async Task StartAgainAsync(string name, CancellationToken cancellationToken = default)
    {
        var index = Components.ToList().FindIndex(c => c.Name == name);
        if (index < 0)
        {
            throw new KeyNotFoundException($"Component '{name}' is not part of this instance.");
        }
        lock (_gate)
        {
            if (_children.Any(c => c.Component.Name == name && !c.Exited.IsCompleted))
            {
                throw new InvalidOperationException($"Component '{name}' is still running.");
            }
            _children.RemoveAll(c => c.Component.Name == name);
        }
        var component = Components[index];
        var child = PlatformChild.Start(component, StartInfo(component, _options.DotnetPath ?? DotnetHost.Find()),
            Path.Combine(LogDirectory, component.Name + ".log"), _options, index);
        lock (_gate)
        {
            _children.Add(child);
        }
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>Runs <c>dotnet build Complaints.sln -c {configuration}</c> with the console inherited; returns its exit code.</summary>
    public static async Task<int> BuildSolutionAsync(string repositoryRoot, string configuration = "Release", CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(DotnetHost.Find())
        {
            WorkingDirectory = repositoryRoot,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "build", RepositoryLocator.SolutionFile, "-c", configuration, "-nologo", "-nodeReuse:false" })
        {
            startInfo.ArgumentList.Add(arg);
        }
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet build did not start.");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        return process.ExitCode;
    }

    private async Task StopCoreAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnHostExit;
        AppDomain.CurrentDomain.UnhandledException -= OnHostExit;
        PlatformChild[] children;
        lock (_gate)
        {
            children = [.. _children];
        }
        await Task.WhenAll(children.Select(c => c.StopAsync(_options.GracefulStopTimeout))).ConfigureAwait(false);
        foreach (var child in children)
        {
            child.Dispose();
        }
    }

    /// <summary>The host is going away (normal exit, SIGTERM without a handler, an unhandled exception): leave nothing behind.</summary>
    private void OnHostExit(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            foreach (var child in _children)
            {
                child.KillTree();
            }
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ReadyTimeout);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        PlatformChild[] children;
        lock (_gate)
        {
            children = [.. _children];
        }
        var waits = children.Select(c => WaitUntilReadyAsync(c, http, deadline.Token)).ToList();
        while (waits.Count > 0)
        {
            var done = await Task.WhenAny(waits).ConfigureAwait(false);
            waits.Remove(done);
            try
            {
                await done.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await DrainAsync(waits).ConfigureAwait(false);
                var lateNames = children.Where(c => !c.Ready).Select(c => c.Component.Name).ToList();
                var first = children.First(c => !c.Ready);
                throw new PlatformStartException(first.Component.Name,
                    $"not ready within {_options.ReadyTimeout.TotalSeconds:0} s (waiting for: {string.Join(", ", lateNames)})", first.Tail(40));
            }
            catch (Exception)
            {
                await deadline.CancelAsync().ConfigureAwait(false);
                await DrainAsync(waits).ConfigureAwait(false);
                throw;
            }
        }
    }

    private static async Task DrainAsync(IEnumerable<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled with the others; the first failure is the one reported.
        }
    }

    private async Task WaitUntilReadyAsync(PlatformChild child, HttpClient http, CancellationToken cancellationToken)
    {
        var url = child.Component.ReadyUrl;
        while (true)
        {
            if (child.Exited.IsCompleted)
            {
                // Exited completes once the last lines are in the tail.
                throw new PlatformStartException(child.Component.Name,
                    $"exited with code {child.Exited.Result} before it was ready", child.Tail(40));
            }
            try
            {
                using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    child.Ready = true;
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One probe timed out; try again.
            }
            await Task.WhenAny(Task.Delay(_options.ReadyPollInterval, cancellationToken), child.Exited).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private ProcessStartInfo StartInfo(PlatformComponent component, string dotnet)
    {
        var startInfo = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = component.OutputFolder(RepositoryRoot, _options.Configuration),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        startInfo.ArgumentList.Add(component.AssemblyPath(RepositoryRoot, _options.Configuration));

        var env = startInfo.Environment; // Starts as the launcher's own: OTEL_* and ConnectionStrings__Redis pass through.
        foreach (var name in ForeignUrlVariables)
        {
            env.Remove(name);
        }
        if (string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")))
        {
            env["ASPNETCORE_ENVIRONMENT"] = "Production";
        }
        // Each process names itself in telemetry; a shared OTEL_SERVICE_NAME would merge them.
        env["OTEL_SERVICE_NAME"] = component.Name;

        foreach (var other in AllComponents.Where(c => !c.IsGateway))
        {
            env[$"Services__{other.ConfigName}"] = other.ServiceUrl;
        }
        if (!component.IsWeb)
        {
            env["Kestrel__Endpoints__Grpc__Url"] = component.GrpcUrl;
        }
        env[$"Kestrel__Endpoints__{component.HttpEndpointName}__Url"] = component.HttpUrl;

        if (!component.IsGateway)
        {
            env["DataDir"] = DataDirectory;
        }
        var identity = AllComponents.FirstOrDefault(c => c.Name == PlatformComponents.Identity);
        var publicUrl = (AllComponents.FirstOrDefault(c => c.IsGateway) ?? identity)?.HttpUrl + "/";
        if (!component.IsGateway && component.Name != PlatformComponents.Identity && identity is not null)
        {
            // The issuer is the public address; keys and tokens are fetched from Identity directly.
            env["Auth__Authority"] = publicUrl;
            env["Auth__MetadataAddress"] = identity.HttpUrl + "/.well-known/openid-configuration";
            if (Secrets.ServiceClients!.TryGetValue(component.Name, out var secret))
            {
                env["Auth__ClientSecret"] = secret;
            }
        }
        if (component.Name == PlatformComponents.Intake)
        {
            env["Intake__TrackingKey"] = Secrets.TrackingKey;
            env["Intake__MasterKey"] = Secrets.MasterKey;
        }
        if (component.IsWeb)
        {
            env["Web__KeyEncryptionKey"] = Secrets.WebKeyEncryptionKey;
            env["Console__ClientId"] = ConsoleClientId;
            env["Console__ClientSecret"] = Secrets.ConsoleClientSecret;
            if (identity is null)
            {
                // The portal alone: nothing to sign staff in with.
                env["Console__Enabled"] = "false";
            }
        }
        if (component.Name == PlatformComponents.Routing)
        {
            env["Routing__MasterKey"] = Secrets.RoutingMasterKey;
        }
        if (component.Name == PlatformComponents.Identity)
        {
            env["Identity__SigningKeys__0"] = LocalSecrets.IdentitySigningKeyFile(DataDirectory);
            env["Identity__EncryptionKey"] = Secrets.IdentityEncryptionKey;
            // The issuer is the public address: the gateway's, where browsers and partners reach the provider.
            env["Identity__Issuer"] = publicUrl;
            // The command-line sign-in: a public client whose code comes back to a loopback port (RFC 8252).
            env[$"Identity__WebClients__{CliSignIn.ClientId}__RedirectUris__0"] = CliSignIn.RedirectUri(_options.CliCallbackPort);
            // The staff console: a confidential web client whose code comes back to the web app through the gateway.
            env[$"Identity__WebClients__{ConsoleClientId}__Secret"] = Secrets.ConsoleClientSecret;
            env[$"Identity__WebClients__{ConsoleClientId}__DisplayName"] = "Complaints console";
            env[$"Identity__WebClients__{ConsoleClientId}__RedirectUris__0"] = publicUrl + "console/signin-oidc";
            env[$"Identity__WebClients__{ConsoleClientId}__PostLogoutRedirectUris__0"] = publicUrl + "console/signout-callback-oidc";
            foreach (var (service, secret) in Secrets.ServiceClients!)
            {
                env[$"Identity__ServiceClients__{service}"] = secret;
            }
        }

        foreach (var (key, value) in _options.Environment)
        {
            Set(env, key, value);
        }
        if (_options.ConfigureEnvironment is { } configure)
        {
            var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
            configure(component, overrides);
            foreach (var (key, value) in overrides)
            {
                Set(env, key, value);
            }
        }
        return startInfo;
    }

    private static void Set(IDictionary<string, string?> env, string key, string? value)
    {
        if (value is null)
        {
            env.Remove(key);
        }
        else
        {
            env[key] = value;
        }
    }

    private void CheckBuilt()
    {
        var missing = Components
            .Select(c => c.AssemblyPath(RepositoryRoot, _options.Configuration))
            .Where(p => !File.Exists(p))
            .ToList();
        if (missing.Count > 0)
        {
            throw new PlatformStartException(null,
                $"not built ({_options.Configuration}): {string.Join(", ", missing)}; build the solution first (the launcher does unless --no-build)", []);
        }
    }

    private void CheckPortsFree()
    {
        foreach (var component in Components)
        {
            foreach (var (port, what) in new[] { (component.GrpcPort, "gRPC"), (component.HttpPort, component.HttpEndpointName) })
            {
                if (!LoopbackPorts.IsFree(port))
                {
                    throw new PlatformStartException(component.Name,
                        $"port {port} ({what}) on {PlatformComponent.Host} is already in use; another run may still be going (choose other ports)", []);
                }
            }
        }
    }
}

/// <summary>A component could not be started or did not become ready; carries its last output lines.</summary>
public sealed class PlatformStartException(string? component, string reason, IReadOnlyList<string> logTail)
    : Exception(Describe(component, reason, logTail))
{
    public string? Component { get; } = component;

    public string Reason { get; } = reason;

    public IReadOnlyList<string> LogTail { get; } = logTail;

    private static string Describe(string? component, string reason, IReadOnlyList<string> tail) =>
        (component is null ? reason : $"{component}: {reason}")
        + (tail.Count == 0 ? "" : $"{System.Environment.NewLine}Last lines of {component}:{System.Environment.NewLine}  "
            + string.Join(System.Environment.NewLine + "  ", tail));
}
