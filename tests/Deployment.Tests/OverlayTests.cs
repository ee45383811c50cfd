using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>What each overlay promises: local runs SQLite on volumes; production runs SQL Server, Redis, replicas.</summary>
public class OverlayTests
{
    public static TheoryData<string> Processes => [.. Manifests.Processes];

    public static TheoryData<string> ServiceNames => [.. Manifests.Services];

    public static TheoryData<string> DatabaseNames => [.. Manifests.WithDatabase];

    private static ManifestDocument ProductionPatch(string name) =>
        Assert.Single(Manifests.Under("overlays/production"), d => d.Kind == "Deployment" && d.Name == name);

    [Fact]
    public void ProductionOverlay_Config_SqlServer()
    {
        var production = Manifests.Kustomization("overlays/production");
        var generator = production.Root.Seq("configMapGenerator").OfType<YamlMappingNode>().Single(g => g.Str("name") == "complaints-config");

        Assert.Equal("merge", generator.Str("behavior"));
        Assert.Equal("SqlServer", production.ConfigMapLiterals("complaints-config")["Database__Provider"]);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void ProductionOverlay_Service_ReadsDatabaseAndRedisFromSecrets(string name)
    {
        var env = ProductionPatch(name).Container().Env();

        Assert.True(env.TryGetValue("ConnectionStrings__Redis", out var redis),
            $"{name}: ConnectionStrings__Redis is not set in production (replicas share feed signals, watch fan-out, the timer lock).");
        Assert.Equal("ConnectionStrings__Redis", redis.Str("valueFrom", "secretKeyRef", "key"));
        Assert.True(env.TryGetValue($"ConnectionStrings__{name}", out var database), $"{name}: ConnectionStrings__{name} is not set in production.");
        Assert.Equal($"ConnectionStrings__{name}", database.Str("valueFrom", "secretKeyRef", "key"));
        Assert.NotNull(database.Str("valueFrom", "secretKeyRef", "name"));
    }

    /// <summary>
    /// Keys that default to a file generated in DataDir: with several replicas each pod would make its own, so
    /// production must give every replica the same key from the service's secret.
    /// </summary>
    [Theory]
    [InlineData("notifications", "Notifications__LinkKey")]
    [InlineData("notifications", "Notifications__MasterKey")]
    [InlineData("insights", "Insights__MasterKey")]
    public void ProductionOverlay_ReplicaSharedKey_FromTheServiceSecret(string name, string key)
    {
        var env = ProductionPatch(name).Container().Env();

        Assert.True(env.TryGetValue(key, out var variable), $"{name}: {key} is not set in production: each replica would generate its own key.");
        Assert.Equal($"{name}-secrets", variable.Str("valueFrom", "secretKeyRef", "name"));
        Assert.Equal(key, variable.Str("valueFrom", "secretKeyRef", "key"));
        Assert.Null(variable.Get("value"));
    }

    [Fact]
    public void ProductionOverlay_Gateway_RateLimitOnWithForwardedForTrustedFromPrivateNetworksOnly()
    {
        var env = ProductionPatch("gateway").Container().Env();

        Assert.True(int.Parse(env["RateLimiting__PermitsPerMinute"].Str("value")!, System.Globalization.CultureInfo.InvariantCulture) > 0,
            "production: the gateway's per-client rate limit is off.");
        var networks = env.Where(e => e.Key.StartsWith("ForwardedHeaders__KnownNetworks__", StringComparison.Ordinal))
            .Select(e => System.Net.IPNetwork.Parse(e.Value.Str("value")!)).ToList();
        Assert.NotEmpty(networks);
        // Trusting X-Forwarded-For from a public address would let anyone pick their own budget.
        System.Net.IPNetwork[] private_ = [System.Net.IPNetwork.Parse("10.0.0.0/8"), System.Net.IPNetwork.Parse("172.16.0.0/12"), System.Net.IPNetwork.Parse("192.168.0.0/16")];
        Assert.All(networks, n => Assert.Contains(private_, p => p.Contains(n.BaseAddress) && n.PrefixLength >= p.PrefixLength));
        // Base (and so local) trusts no proxy and leaves the limit to the Ingress.
        var baseEnv = Manifests.BaseDeployment("gateway").Container().Env();
        Assert.Equal("0", baseEnv["RateLimiting__PermitsPerMinute"].Str("value"));
        Assert.DoesNotContain(baseEnv.Keys, k => k.StartsWith("ForwardedHeaders__", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void ProductionOverlay_Process_TwoReplicasSpreadAndProtected(string name)
    {
        var patch = ProductionPatch(name);
        var replicas = int.Parse(patch.Root.Str("spec", "replicas") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(replicas >= 2, $"{name}: {replicas} replica(s) in production.");

        var spread = patch.Root.Path("spec", "template", "spec").Seq("topologySpreadConstraints").OfType<YamlMappingNode>().ToList();
        Assert.NotEmpty(spread);
        Assert.All(spread, c => Assert.Equal(name, c.Str("labelSelector", "matchLabels", "app.kubernetes.io/name")));
        Assert.Contains(spread, c => c.Str("topologyKey") == "topology.kubernetes.io/zone");

        var pdb = Assert.Single(Manifests.Under("overlays/production"), d => d.Kind == "PodDisruptionBudget"
            && d.Root.Str("spec", "selector", "matchLabels", "app.kubernetes.io/name") == name);
        Assert.Equal("1", pdb.Root.Str("spec", "minAvailable"));
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("intake")]
    public void ProductionOverlay_FrontLine_Autoscales(string name)
    {
        var hpa = Assert.Single(Manifests.Under("overlays/production"), d => d.Kind == "HorizontalPodAutoscaler"
            && d.Root.Str("spec", "scaleTargetRef", "name") == name);

        Assert.Equal("Deployment", hpa.Root.Str("spec", "scaleTargetRef", "kind"));
        var min = int.Parse(hpa.Root.Str("spec", "minReplicas")!, System.Globalization.CultureInfo.InvariantCulture);
        var max = int.Parse(hpa.Root.Str("spec", "maxReplicas")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(min >= 2 && max > min, $"{name}: HPA {min}..{max}.");
    }

    [Fact]
    public void ProductionOverlay_Kustomization_ListsItsFiles()
    {
        var production = Manifests.Kustomization("overlays/production");
        var referenced = production.Root.Seq("resources").Concat(production.Root.Seq("patches").Select(p => p.Get("path")!))
            .OfType<YamlScalarNode>().Select(s => s.Value!).ToHashSet();

        foreach (var file in Manifests.Under("overlays/production").Where(d => !d.IsKustomization).Select(d => d.RelativePath).Distinct())
        {
            Assert.Contains(file["k8s/overlays/production/".Length..], referenced);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseNames))]
    public void LocalOverlay_Service_SqliteOnItsOwnClaimWithOneReplica(string name)
    {
        var local = Manifests.Under("overlays/local");
        Assert.Equal("Sqlite", Manifests.Kustomization("overlays/local").ConfigMapLiterals("complaints-config")["Database__Provider"]);

        var patch = Assert.Single(local, d => d.Kind == "Deployment" && d.Name == name);
        Assert.Equal("1", patch.Root.Str("spec", "replicas"));
        Assert.Equal("Recreate", patch.Root.Str("spec", "strategy", "type"));
        var data = patch.Root.Path("spec", "template", "spec").Seq("volumes").OfType<YamlMappingNode>().Single(v => v.Str("name") == "data");
        var claim = data.Str("persistentVolumeClaim", "claimName");
        Assert.Equal($"{name}-data", claim);
        Assert.Single(local, d => d.Kind == "PersistentVolumeClaim" && d.Name == claim);

        // The base mounts that volume at the data dir.
        Assert.Contains(Manifests.BaseDeployment(name).Container().Seq("volumeMounts").OfType<YamlMappingNode>(),
            m => m.Str("name") == "data" && m.Str("mountPath") == Manifests.Kustomization("base").ConfigMapLiterals("complaints-config")["DataDir"]);
    }

    [Fact]
    public void LocalOverlay_Redis_NotConfigured()
    {
        var local = Manifests.Under("overlays/local");
        Assert.DoesNotContain(local.SelectMany(d => d.SecretKeyRefs()), r => r.Key == "ConnectionStrings__Redis");
        Assert.False(Manifests.Kustomization("overlays/local").ConfigMapLiterals("complaints-config").ContainsKey("ConnectionStrings__Redis"));
        Assert.Empty(Manifests.Kustomization("overlays/local").Root.Seq("components"));
        Assert.DoesNotContain(Manifests.Under("base"), d => d.Name == "redis");
    }
}
