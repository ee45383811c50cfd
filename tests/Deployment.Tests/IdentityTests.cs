using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>
/// Identity in the cluster: the only signer, its keys and client secrets read by their owner alone, reached by the
/// services and the gateway only, and no trace of the retired shared signing key.
/// </summary>
public class IdentityTests
{
    public static TheoryData<string> ServiceNames => [.. Manifests.Services];

    public static TheoryData<string> Overlays => [.. Manifests.Overlays];

    private const string SigningKeysSecret = "identity-signing-keys";
    private const string IdentitySecret = "identity-secrets";

    private static readonly string[] RetiredNames = ["Auth__SigningKey", "Auth:SigningKey", "complaints-auth"];

    private static readonly Lazy<string> Guide = new(() => File.ReadAllText(RepositoryRoot.Combine("docs", "deployment.md")));

    private static string ClientSecretOf(string service) => $"{service}-identity-client";

    private static IReadOnlyDictionary<string, string> BaseConfig =>
        Manifests.Kustomization("base").ConfigMapLiterals("complaints-config");

    private static async Task<IReadOnlyList<ManifestDocument>> RenderAsync(string overlay) =>
        Manifests.Parse(await Kubectl.KustomizeAsync($"k8s/overlays/{overlay}"), $"<render of {overlay}>");

    [Fact]
    public void IdentityDeployment_Base_HasProbesAndMigrateInitContainer()
    {
        var deployment = Manifests.BaseDeployment(Manifests.Identity);
        var container = deployment.Container();

        foreach (var (probe, path) in new[] { ("startupProbe", "/health/live"), ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
        {
            Assert.Equal(path, container.Str(probe, "httpGet", "path"));
            Assert.Equal("http", container.Str(probe, "httpGet", "port"));
        }
        var migrate = Assert.Single(deployment.InitContainers(), c => c.Str("name") == "migrate");
        Assert.Equal(container.Str("image"), migrate.Str("image"));
        Assert.Equal(["--Database:Migrations=ApplyAndExit"], migrate.Seq("args").OfType<YamlScalarNode>().Select(a => a.Value));
        Assert.Equal("Verify", container.Env()["Database__Migrations"].Str("value"));
        // The migration step does not start the host: it needs, and gets, no key.
        Assert.DoesNotContain(migrate.Env().Values, e => e.Path("valueFrom", "secretKeyRef") is not null);
        Assert.DoesNotContain(migrate.Seq("volumeMounts"), m => m.Str("name") == "signing-keys");
    }

    [Fact]
    public void IdentityDeployment_Base_SigningKeysMountedReadOnlyAndSecretsFromItsOwnSecret()
    {
        var deployment = Manifests.BaseDeployment(Manifests.Identity);
        var container = deployment.Container();
        var env = container.Env();
        var volume = deployment.Root.Path("spec", "template", "spec").Seq("volumes").OfType<YamlMappingNode>()
            .Single(v => v.Str("secret", "secretName") == SigningKeysSecret);
        var mount = container.Seq("volumeMounts").OfType<YamlMappingNode>().Single(m => m.Str("name") == volume.Str("name"));

        Assert.Equal("true", mount.Str("readOnly"));
        var mode = int.Parse(volume.Str("secret", "defaultMode") ?? "420", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True((mode & 0b111) == 0 && (mode & 0b010_010_000) == 0, $"{SigningKeysSecret} is mounted with mode {Convert.ToString(mode, 8)}: readable or writable beyond owner and group.");
        var first = env["Identity__SigningKeys__0"].Str("value");
        Assert.Equal(mount.Str("mountPath"), Path.GetDirectoryName(first));

        Assert.Equal((IdentitySecret, "Identity__EncryptionKey"), SecretKeyRef(env["Identity__EncryptionKey"]));
        foreach (var service in Manifests.Services)
        {
            var key = $"Identity__ServiceClients__{service}";
            Assert.True(env.TryGetValue(key, out var client), $"identity: {key} is not set: {service} could not get a token.");
            Assert.Equal((IdentitySecret, key), SecretKeyRef(client));
        }
        // The issuer is the very value the services trust.
        Assert.Equal("complaints-config", env["Identity__Issuer"].Str("valueFrom", "configMapKeyRef", "name"));
        Assert.Equal("Auth__Authority", env["Identity__Issuer"].Str("valueFrom", "configMapKeyRef", "key"));
        // Identity checks its own tokens in-process: the services' authority settings from the ConfigMap are blanked.
        Assert.Equal("", env["Auth__Authority"].Str("value"));
        Assert.Equal("", env["Auth__MetadataAddress"].Str("value"));
        // The data-protection key ring (sign-in cookies) is in Identity's database, shared by every replica: no volume for it.
        Assert.DoesNotContain("LOCALAPPDATA", env.Keys);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void ServiceDeployment_Base_HasAuthorityAndMetadataAddressFromSharedConfig(string name)
    {
        var container = Manifests.BaseDeployment(name).Container();
        var config = BaseConfig;

        Assert.Contains(container.Seq("envFrom"), e => e.Map("configMapRef").Str("name") == "complaints-config");
        // Set once, in the ConfigMap: no Deployment overrides them.
        Assert.DoesNotContain("Auth__Authority", container.Env().Keys);
        Assert.DoesNotContain("Auth__MetadataAddress", container.Env().Keys);

        var authority = new Uri(config["Auth__Authority"]);
        Assert.Equal("https", authority.Scheme);
        var hosts = Manifests.Under("base").Where(d => d.Kind == "Ingress" && d.Name == "gateway-rest")
            .SelectMany(i => i.Root.Path("spec").Seq("rules")).Select(r => r.Str("host")).ToList();
        Assert.Contains(authority.Host, hosts);

        var metadata = new Uri(config["Auth__MetadataAddress"]);
        var http = Manifests.BaseService(Manifests.Identity).Root.Path("spec").Seq("ports").OfType<YamlMappingNode>().Single(p => p.Str("name") == "http");
        Assert.Equal(Manifests.Identity, metadata.Host);
        Assert.Equal(http.Str("port"), metadata.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("/.well-known/openid-configuration", metadata.AbsolutePath);
        // Plain HTTP inside the cluster: without this a Production start refuses an http metadata address.
        Assert.Equal("http", metadata.Scheme);
        Assert.Equal("false", config["Auth__RequireHttpsMetadata"]);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void ServiceDeployment_Base_ReadsOnlyItsOwnClientSecret(string name)
    {
        var deployment = Manifests.BaseDeployment(name);
        var env = deployment.Container().Env();

        Assert.True(env.TryGetValue("Auth__ClientSecret", out var secret), $"{name}: Auth__ClientSecret is not set: it could not get a token.");
        Assert.Equal((ClientSecretOf(name), "Auth__ClientSecret"), SecretKeyRef(secret));
        Assert.Null(secret.Get("value"));
        Assert.DoesNotContain(deployment.InitContainers(), c => c.Env().ContainsKey("Auth__ClientSecret"));
        Assert.DoesNotContain(deployment.SecretsRead(), s => s.EndsWith("-identity-client", StringComparison.Ordinal) && s != ClientSecretOf(name));
    }

    [Fact]
    public void SecretReaders_EveryManifest_ClientSecretsIdentityAndWebKeysReadByTheirOwnerOnly() =>
        AssertSecretsReadByOwnersOnly(Manifests.All.Where(d => d.Kind == "Deployment"), "k8s/");

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task SecretReaders_Overlay_ClientSecretsIdentityAndWebKeysReadByTheirOwnerOnly(string overlay)
    {
        var deployments = (await RenderAsync(overlay)).Where(d => d.Kind == "Deployment").ToList();

        AssertSecretsReadByOwnersOnly(deployments, overlay);
        foreach (var service in Manifests.Services)
        {
            Assert.Contains(ClientSecretOf(service), deployments.Single(d => d.Name == service).SecretsRead());
        }
        Assert.Contains(SigningKeysSecret, deployments.Single(d => d.Name == Manifests.Identity).SecretsRead());
        Assert.Contains(WebTests.WebSecret, deployments.Single(d => d.Name == Manifests.Web).SecretsRead());
    }

    [Fact]
    public void NetworkPolicies_Base_AllowEachServiceToIdentityAndDenyTheRest() =>
        AssertIdentityReachability(Manifests.Under("base").Where(d => d.Kind == "NetworkPolicy").ToList(), Manifests.CompleteDeployments, "base");

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task NetworkPolicies_Overlay_AllowEachServiceToIdentityAndDenyTheRest(string overlay)
    {
        var documents = await RenderAsync(overlay);

        AssertIdentityReachability(documents.Where(d => d.Kind == "NetworkPolicy").ToList(), documents.Where(d => d.Kind == "Deployment").ToList(), overlay);
    }

    [Fact]
    public void IdentityEgress_Base_OnlyDnsAndTelemetry() =>
        AssertIdentityEgress(Manifests.Under("base").Where(d => d.Kind == "NetworkPolicy").ToList(), BaseConfig, database: false, "base");

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task IdentityEgress_Overlay_OnlyDnsTelemetryAndItsDatabase(string overlay)
    {
        var documents = await RenderAsync(overlay);
        var config = documents.Single(d => d.Kind == "ConfigMap" && d.Name.StartsWith("complaints-config", StringComparison.Ordinal));
        var literals = Manifests.Labels(config.Root.Get("data"));

        // SQLite locally (a file on its volume); SQL Server, outside the cluster, in production.
        AssertIdentityEgress(documents.Where(d => d.Kind == "NetworkPolicy").ToList(), literals, database: overlay == "production", overlay);
    }

    [Fact]
    public void ProductionOverlay_Identity_SqlServerFromItsSecretAndNoSharedVolume()
    {
        var patch = Assert.Single(Manifests.Under("overlays/production"), d => d.Kind == "Deployment" && d.Name == Manifests.Identity);
        var env = patch.Container().Env();
        var migrate = Assert.Single(patch.InitContainers(), c => c.Str("name") == "migrate");

        Assert.Equal((IdentitySecret, "ConnectionStrings__identity"), SecretKeyRef(env["ConnectionStrings__identity"]));
        Assert.Equal((IdentitySecret, "ConnectionStrings__identity"), SecretKeyRef(migrate.Env()["ConnectionStrings__identity"]));
        Assert.DoesNotContain("ConnectionStrings__Redis", env.Keys);

        // Sign-in cookies and form tokens made by one replica are read by the other: the key ring is in the database,
        // so production needs no ReadWriteMany storage for Identity.
        Assert.DoesNotContain("LOCALAPPDATA", env.Keys);
        Assert.DoesNotContain(Manifests.Under("overlays/production"), d => d.Kind == "PersistentVolumeClaim" && d.Name.StartsWith("identity", StringComparison.Ordinal));
    }

    [Fact]
    public void Manifests_Everywhere_CarryNoSigningKeyOrComplaintsAuth()
    {
        var files = Manifests.YamlFiles(RepositoryRoot.Combine("k8s")).Append(RepositoryRoot.Combine("Dockerfile"));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var retired in RetiredNames)
            {
                // A comment may say that the key stops a start; nothing may set it or refer to the old secret.
                foreach (var line in text.Split('\n').Where(l => l.Contains(retired, StringComparison.Ordinal)))
                {
                    Assert.True(line.TrimStart().StartsWith('#') && SaysRefused(line) && retired != "complaints-auth",
                        $"{RepositoryRoot.Relative(file)} mentions {retired}: {line.Trim()}");
                }
            }
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task KubectlKustomize_Overlay_CarriesNoSigningKeyOrComplaintsAuth(string overlay)
    {
        var output = await Kubectl.KustomizeAsync($"k8s/overlays/{overlay}");

        foreach (var retired in RetiredNames)
        {
            Assert.DoesNotContain(retired, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DeploymentGuide_Secrets_DocumentIdentityKeysClientSecretsRotationAndBootstrap()
    {
        var guide = Guide.Value;
        var keyFile = Path.GetFileName(Manifests.BaseDeployment(Manifests.Identity).Container().Env()["Identity__SigningKeys__0"].Str("value"));

        Assert.Contains("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048", guide, StringComparison.Ordinal);
        Assert.Contains($"kubectl create secret generic {SigningKeysSecret}", guide, StringComparison.Ordinal);
        Assert.Contains($"--from-file={keyFile}=", guide, StringComparison.Ordinal);
        Assert.Contains($"kubectl create secret generic {IdentitySecret}", guide, StringComparison.Ordinal);
        foreach (var service in Manifests.Services)
        {
            Assert.Contains($"kubectl create secret generic {ClientSecretOf(service)}", guide, StringComparison.Ordinal);
            Assert.Contains($"--from-literal=Identity__ServiceClients__{service}=", guide, StringComparison.Ordinal);
        }
        // Rotation: the next key listed second, then first, then the old one dropped.
        Assert.Contains("Identity__SigningKeys__1", guide, StringComparison.Ordinal);
        Assert.Matches(@"(?i)rotat", guide);
        // The first admin: a one-off run of the identity image that prints a one-time password.
        Assert.Contains("Identity__BootstrapAdmin=", guide, StringComparison.Ordinal);
        Assert.Contains("Identity__BootstrapAdminEmail=", guide, StringComparison.Ordinal);
        // The old shared secret may be named only to delete it.
        Assert.DoesNotMatch(@"create secret \S+ complaints-auth|name: complaints-auth", guide);
    }

    [Fact]
    public void Docs_Everywhere_MentionSharedSigningKeyOnlyAsRefused()
    {
        // The deployment form (Auth__SigningKey) in every doc; both forms in the deployment guide.
        var docs = Directory.EnumerateFiles(RepositoryRoot.Combine("docs"), "*.md", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(docs);
        foreach (var doc in docs)
        {
            var isGuide = Path.GetFileName(doc) == "deployment.md";
            var lines = File.ReadAllLines(doc);
            foreach (var line in lines.Where(l => l.Contains("Auth__SigningKey", StringComparison.Ordinal)
                || (isGuide && l.Contains("Auth:SigningKey", StringComparison.Ordinal))))
            {
                Assert.True(SaysRefused(line), $"{RepositoryRoot.Relative(doc)} mentions the shared signing key without saying it is refused: {line.Trim()}");
            }
        }
        Assert.Contains(File.ReadAllLines(RepositoryRoot.Combine("docs", "deployment.md")),
            l => l.Contains("Auth__SigningKey", StringComparison.Ordinal) && SaysRefused(l));
    }

    private static bool SaysRefused(string line) => Regex.IsMatch(line, @"(?i)\b(refuse[sd]?|stops?)\b");

    private static (string Secret, string Key) SecretKeyRef(YamlMappingNode envEntry) =>
        (envEntry.Str("valueFrom", "secretKeyRef", "name") ?? "", envEntry.Str("valueFrom", "secretKeyRef", "key") ?? "");

    private static void AssertSecretsReadByOwnersOnly(IEnumerable<ManifestDocument> deployments, string where)
    {
        var owners = Manifests.Services.ToDictionary(ClientSecretOf, s => s);
        owners[SigningKeysSecret] = Manifests.Identity;
        owners[IdentitySecret] = Manifests.Identity;
        owners[WebTests.WebSecret] = Manifests.Web;
        foreach (var deployment in deployments)
        {
            // A whole-secret import reads keys nobody listed: none, so every key a pod sees is named in its manifest.
            Assert.True(!deployment.EnvFromSecrets().Any(), $"{where}: {deployment} imports a secret whole (envFrom secretRef).");
            foreach (var secret in deployment.SecretsRead())
            {
                Assert.True(!secret.EndsWith("-identity-client", StringComparison.Ordinal) || owners.ContainsKey(secret),
                    $"{where}: {deployment} reads {secret}, a client secret of no platform service.");
                if (owners.TryGetValue(secret, out var owner))
                {
                    Assert.True(deployment.Name == owner, $"{where}: {deployment} reads {secret}, which only {owner} may read.");
                }
            }
            // A service's client secret is its Auth__ClientSecret and nothing else.
            foreach (var (_, key) in deployment.SecretKeyRefs().Where(r => r.Secret.EndsWith("-identity-client", StringComparison.Ordinal)))
            {
                Assert.Equal("Auth__ClientSecret", key);
            }
        }
    }

    private static void AssertIdentityReachability(IReadOnlyList<ManifestDocument> policies, IReadOnlyList<ManifestDocument> deployments, string where)
    {
        var identity = deployments.Single(d => d.Name == Manifests.Identity && d.IsCompleteDeployment).PodLabels();
        var platform = deployments.Where(d => d.IsCompleteDeployment).Select(PodRef.Platform).ToList();
        var others = new[]
        {
            PodRef.Other("a debugging pod", "complaints", "debug"),
            PodRef.Other("the ingress controller", "ingress-nginx", "ingress-nginx"),
            PodRef.Other("a system pod", "kube-system", "coredns"),
            PodRef.Other("the OTLP collector", "observability", "otel-collector"),
        };

        foreach (var source in platform.Concat(others))
        {
            var name = source.Labels.GetValueOrDefault("app.kubernetes.io/name");
            var isService = Manifests.Services.Contains(name) && source.Namespace == "complaints";
            var isGateway = name == "gateway" && source.Namespace == "complaints";
            Assert.True(NetworkPolicyModel.AdmitsIngress(policies, source, identity, 8080) == (isService || isGateway),
                $"{where}: {source} {(isService || isGateway ? "cannot" : "can")} reach Identity on 8080.");
            // gRPC: the gateway's routes, and Routing and Notifications reading Identity's feed (accounts, partner clients).
            var grpc = isGateway || (name is "routing" or "notifications" && source.Namespace == "complaints");
            Assert.True(NetworkPolicyModel.AdmitsIngress(policies, source, identity, 8081) == grpc,
                $"{where}: {source} {(grpc ? "cannot" : "can")} reach Identity on 8081.");
        }
        // Identity is no peer of the services: it cannot call them (nor the gateway).
        var fromIdentity = platform.Single(p => p.Description == Manifests.Identity);
        foreach (var target in deployments.Where(d => d.IsCompleteDeployment && Manifests.Processes.Contains(d.Name) && d.Name != Manifests.Identity))
        {
            foreach (var port in new[] { 8080, 8081 })
            {
                Assert.False(NetworkPolicyModel.AdmitsIngress(policies, fromIdentity, target.PodLabels(), port),
                    $"{where}: Identity can reach {target.Name} on {port}.");
            }
        }
    }

    private static void AssertIdentityEgress(IReadOnlyList<ManifestDocument> policies, IReadOnlyDictionary<string, string> config, bool database, string where)
    {
        var identity = Manifests.BaseDeployment(Manifests.Identity).PodLabels();
        var egress = NetworkPolicyModel.Isolating(policies, identity, "Egress");
        Assert.True(egress.Count > 0, $"{where}: Identity's egress is not restricted.");

        // The collector is the ConfigMap's OTLP endpoint: <service>.<namespace>.svc...:<port>.
        var otlp = new Uri(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otlpNamespace = otlp.Host.Split('.')[1];
        var sawDatabase = false;
        var sawSmtp = false;
        foreach (var rule in egress.SelectMany(p => p.Root.Path("spec").Seq("egress")))
        {
            var ports = rule.Seq("ports").Select(p => (Port: p.Str("port"), Protocol: p.Str("protocol") ?? "TCP")).ToList();
            var to = rule.Seq("to").ToList();
            Assert.True(ports.Count > 0 && to.Count > 0, $"{where}: an egress rule of Identity without ports or destinations opens everything.");
            Assert.True(rule.Seq("ports").All(p => p.Get("endPort") is null), $"{where}: an egress rule of Identity opens a port range.");
            var namespaces = to.Select(t => t.Get("podSelector") is null ? t.Str("namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") : null).ToList();
            foreach (var (port, protocol) in ports)
            {
                switch (port)
                {
                    case "53":
                        Assert.All(namespaces, n => Assert.Equal("kube-system", n));
                        break;
                    case var p when p == otlp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) && protocol == "TCP":
                        Assert.All(namespaces, n => Assert.Equal(otlpNamespace, n));
                        break;
                    case "1433" when protocol == "TCP":
                        Assert.True(database, $"{where}: Identity may reach SQL Server, but its database is SQLite on its volume here.");
                        Assert.All(to, t => Assert.NotNull(t.Get("ipBlock")));
                        sawDatabase = true;
                        break;
                    case "587" when protocol == "TCP":
                        // Password reset emails: the production relay (submission port, STARTTLS required).
                        Assert.True(database, $"{where}: Identity may reach an SMTP relay, but it writes .eml files here.");
                        Assert.All(to, t => Assert.NotNull(t.Get("ipBlock")));
                        sawSmtp = true;
                        break;
                    default:
                        Assert.Fail($"{where}: Identity may reach port {port}/{protocol}: only DNS, the OTLP collector, its database and its SMTP relay.");
                        break;
                }
            }
        }
        Assert.Equal(database, sawDatabase);
        Assert.True(database == sawSmtp, $"{where}: Identity {(database ? "cannot reach" : "may reach")} the SMTP relay its password reset emails leave by.");
    }
}
