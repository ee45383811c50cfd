using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>
/// The web app (complainant portal) in the cluster: its key from a secret only it reads, its peers from the shared
/// ConfigMap, reached by the gateway alone, reaching only Intake, Insights and Notifications (their gRPC port), DNS, the
/// collector and, where there is one, Redis; two replicas sharing their keys through Redis in production, its key ring
/// on a claim of its own locally.
/// </summary>
public class WebTests
{
    public const string WebSecret = "web-secrets";

    public static TheoryData<string> Overlays => [.. Manifests.Overlays];

    private static async Task<IReadOnlyList<ManifestDocument>> RenderAsync(string overlay) =>
        Manifests.Parse(await Kubectl.KustomizeAsync($"k8s/overlays/{overlay}"), $"<render of {overlay}>");

    [Fact]
    public void WebDeployment_Base_KeyFromItsOwnSecretPeersFromSharedConfigAndNoServiceCredential()
    {
        var deployment = Manifests.BaseDeployment(Manifests.Web);
        var container = deployment.Container();
        var env = container.Env();
        var config = Manifests.Kustomization("base").ConfigMapLiterals("complaints-config");

        Assert.True(env.TryGetValue("Web__KeyEncryptionKey", out var key), "web: Web__KeyEncryptionKey is not set: it does not start without it.");
        Assert.Equal(WebSecret, key.Str("valueFrom", "secretKeyRef", "name"));
        Assert.Equal("Web__KeyEncryptionKey", key.Str("valueFrom", "secretKeyRef", "key"));
        Assert.Null(key.Get("value"));
        Assert.Equal([WebSecret], deployment.SecretsRead());
        // The addresses it calls come from the ConfigMap, like every process's.
        Assert.Contains(container.Seq("envFrom"), e => e.Map("configMapRef").Str("name") == "complaints-config");
        foreach (var backend in Manifests.WebBackends)
        {
            Assert.True(config.ContainsKey($"Services__{char.ToUpperInvariant(backend[0])}{backend[1..]}"), $"the ConfigMap does not say where {backend} is.");
        }
        // A public client of the services: no client secret at Identity, no token; no database, so no migration step.
        Assert.DoesNotContain("Auth__ClientSecret", env.Keys);
        Assert.Empty(deployment.InitContainers());
        Assert.Equal(["http"], container.Ports().Keys);
    }

    [Fact]
    public void WebDeployment_Base_ForwardedHeadersTrustedFromPrivateNetworksOnly()
    {
        var env = Manifests.BaseDeployment(Manifests.Web).Container().Env();
        var networks = env.Where(e => e.Key.StartsWith("ForwardedHeaders__KnownNetworks__", StringComparison.Ordinal))
            .Select(e => System.Net.IPNetwork.Parse(e.Value.Str("value")!)).ToList();

        // Behind the Ingress and the gateway the scheme is the gateway's X-Forwarded-Proto (https: Secure cookies).
        Assert.NotEmpty(networks);
        // A public address trusted here could tell the web app any scheme and client address it liked.
        System.Net.IPNetwork[] private_ = [System.Net.IPNetwork.Parse("10.0.0.0/8"), System.Net.IPNetwork.Parse("172.16.0.0/12"), System.Net.IPNetwork.Parse("192.168.0.0/16")];
        Assert.All(networks, n => Assert.Contains(private_, p => p.Contains(n.BaseAddress) && n.PrefixLength >= p.PrefixLength));
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("ForwardedHeaders__KnownProxies__", StringComparison.Ordinal));
    }

    [Fact]
    public void NetworkPolicies_Base_WebReachedByTheGatewayAloneAndReachingItsThreeServicesGrpcOnly()
    {
        var documents = Manifests.Under("base");

        AssertWebTraffic(documents.Where(d => d.Kind == "NetworkPolicy").ToList(), documents.Where(d => d.IsCompleteDeployment).ToList(), redis: null, "base");
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task NetworkPolicies_Overlay_WebReachedByTheGatewayAloneAndReachingItsThreeServicesGrpcOnly(string overlay)
    {
        var documents = await RenderAsync(overlay);
        // Redis: a pod of the overlay (local-redis), outside the cluster (production), or none (local).
        var redis = overlay switch
        {
            "local-redis" => PodRef.Platform(documents.Single(d => d.Kind == "Deployment" && d.Name == "redis")),
            "production" => PodRef.Other("the production Redis", "outside", "redis"),
            _ => null,
        };

        AssertWebTraffic(documents.Where(d => d.Kind == "NetworkPolicy").ToList(), documents.Where(d => d.Kind == "Deployment").ToList(), redis, overlay);
    }

    [Fact]
    public void ProductionOverlay_Web_RedisFromTheSharedSecretAndNoDatabase()
    {
        var patch = Assert.Single(Manifests.Under("overlays/production"), d => d.Kind == "Deployment" && d.Name == Manifests.Web);
        var env = patch.Container().Env();

        // Two replicas read each other's cookies and form tokens: the key ring (and the cache) must be shared.
        Assert.True(env.TryGetValue("ConnectionStrings__Redis", out var redis), "production: the web replicas do not share their key ring.");
        Assert.Equal("complaints-redis", redis.Str("valueFrom", "secretKeyRef", "name"));
        Assert.Equal("ConnectionStrings__Redis", redis.Str("valueFrom", "secretKeyRef", "key"));
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && k != "ConnectionStrings__Redis");
        Assert.Equal("2", patch.Root.Str("spec", "replicas"));
    }

    [Fact]
    public void LocalOverlay_Web_KeyRingOnItsOwnClaimWithOneReplica()
    {
        var local = Manifests.Under("overlays/local");
        var patch = Assert.Single(local, d => d.Kind == "Deployment" && d.Name == Manifests.Web);
        var data = patch.Root.Path("spec", "template", "spec").Seq("volumes").OfType<YamlMappingNode>().Single(v => v.Str("name") == "data");

        // Without Redis the keys are files in the data dir: on a claim, sessions and open forms survive a restart.
        Assert.Equal("1", patch.Root.Str("spec", "replicas"));
        Assert.Equal("Recreate", patch.Root.Str("spec", "strategy", "type"));
        Assert.Equal("web-data", data.Str("persistentVolumeClaim", "claimName"));
        Assert.Single(local, d => d.Kind == "PersistentVolumeClaim" && d.Name == "web-data");
    }

    private static void AssertWebTraffic(IReadOnlyList<ManifestDocument> policies, IReadOnlyList<ManifestDocument> deployments, PodRef? redis, string where)
    {
        var platform = deployments.Where(d => d.IsCompleteDeployment && d.Name != "redis").Select(PodRef.Platform).ToList();
        var web = platform.Single(p => p.Description == Manifests.Web);
        var outsiders = new[]
        {
            PodRef.Other("a debugging pod", "complaints", "debug"),
            PodRef.Other("the ingress controller", "ingress-nginx", "ingress-nginx"),
            PodRef.Other("a system pod", "kube-system", "coredns"),
        };

        // Who reaches the web app: the gateway, on 8080, and nobody else.
        foreach (var source in platform.Where(p => p != web))
        {
            var expected = source.Description == "gateway";
            Assert.True(NetworkPolicyModel.Connects(policies, source, web, 8080) == expected,
                $"{where}: {source} {(expected ? "cannot" : "can")} reach the web app.");
        }
        foreach (var source in outsiders)
        {
            Assert.False(NetworkPolicyModel.AdmitsIngress(policies, source, web.Labels, 8080), $"{where}: {source} can reach the web app.");
        }

        // What the web app reaches: the three services' gRPC port, nothing else of the platform.
        foreach (var target in platform.Where(p => p != web))
        {
            foreach (var port in new[] { 8080, 8081 })
            {
                var expected = port == 8081 && Manifests.WebBackends.Contains(target.Description);
                Assert.True(NetworkPolicyModel.Connects(policies, web, target, port) == expected,
                    $"{where}: the web app {(expected ? "cannot" : "can")} reach {target.Description} on {port}.");
            }
        }
        Assert.True(NetworkPolicyModel.AdmitsEgress(policies, web.Labels, PodRef.Other("DNS", "kube-system", "coredns"), 53), $"{where}: the web app cannot resolve names.");
        Assert.True(NetworkPolicyModel.AdmitsEgress(policies, web.Labels, PodRef.Other("the OTLP collector", "observability", "otel-collector"), 4317), $"{where}: the web app cannot export telemetry.");
        Assert.False(NetworkPolicyModel.AdmitsEgress(policies, web.Labels, PodRef.Other("the ingress controller", "ingress-nginx", "ingress-nginx"), 443), $"{where}: the web app can open connections outside its needs.");

        // Redis where the overlay has one, on its port; the egress rules open nothing else.
        if (redis is not null)
        {
            Assert.True(redis.Namespace == "complaints"
                ? NetworkPolicyModel.Connects(policies, web, redis, 6379)
                : NetworkPolicyModel.AdmitsEgress(policies, web.Labels, redis, 6379), $"{where}: the web app cannot reach Redis (its key ring).");
        }
        var egress = NetworkPolicyModel.Isolating(policies, web.Labels, "Egress");
        Assert.True(egress.Count > 0, $"{where}: the web app's egress is not restricted.");
        foreach (var rule in egress.SelectMany(p => p.Root.Path("spec").Seq("egress")))
        {
            var ports = rule.Seq("ports").Select(p => p.Str("port")).ToList();
            Assert.True(ports.Count > 0 && rule.Seq("to").Any(), $"{where}: an egress rule of the web app without ports or destinations opens everything.");
            Assert.True(rule.Seq("ports").All(p => p.Get("endPort") is null), $"{where}: an egress rule of the web app opens a port range.");
            var allowed = redis is null ? new[] { "53", "4317", "8081" } : ["53", "4317", "8081", "6379", "6380"];
            Assert.All(ports, p => Assert.Contains(p, allowed));
        }
    }
}
