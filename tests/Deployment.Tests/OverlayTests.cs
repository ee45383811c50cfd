using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>What each overlay promises: local runs SQLite on volumes; production runs SQL Server, Redis, replicas.</summary>
public class OverlayTests
{
    public static TheoryData<string> Processes => [.. Manifests.Processes];

    public static TheoryData<string> ServiceNames => [.. Manifests.Services];

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
    [MemberData(nameof(ServiceNames))]
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
