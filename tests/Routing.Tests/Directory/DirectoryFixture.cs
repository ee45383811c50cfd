using Complaints.Routing.Directory;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Complaints.Routing.Tests.Directory;

/// <summary>
/// Routing in-process for the directory tests, with a fake complaint text source (Intake is down). The master
/// key is also given as a host setting: AddRouting reads it while the builder is being set up, before the
/// factory's in-memory configuration is applied.
/// </summary>
public sealed class DirectoryFixture : IDisposable
{
    public DirectoryFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();

    public sealed class DirectoryFactory : ServiceFactory<Program>
    {
        private readonly string _masterKey;

        public DirectoryFactory(IDictionary<string, string?>? settings = null) : this(TestKeys.NewKey(), settings)
        {
        }

        private DirectoryFactory(string masterKey, IDictionary<string, string?>? settings)
            : base(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Routing:MasterKey"] = masterKey }) => _masterKey = masterKey;

        public FakeComplaintTexts Texts { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Routing:MasterKey", _masterKey);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IComplaintTextSource>(Texts);
                // The committed migrations predate the directory and clock tables (the lead regenerates them after
                // merging): create the schema from the model instead, in the migrator's place (MigrationTests cover migrations).
                var index = services.ToList().FindIndex(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name.StartsWith("DatabaseInitializer", StringComparison.Ordinal) == true);
                if (index >= 0)
                {
                    services[index] = ServiceDescriptor.Singleton<IHostedService, SchemaFromModel>();
                }
            });
        }
    }

    private sealed class SchemaFromModel(IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Data.RoutingDbContext>().Database.EnsureCreatedAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public sealed class FakeComplaintTexts : IComplaintTextSource
    {
        public Dictionary<Guid, string> Texts { get; } = [];

        public Task<string?> GetTextAsync(Guid complaintId, CancellationToken ct) => Task.FromResult(Texts.GetValueOrDefault(complaintId));
    }
}
