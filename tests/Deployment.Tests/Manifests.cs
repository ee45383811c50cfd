using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>The repository root: the folder holding Complaints.sln, found by walking up from the test output.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Complaints.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Complaints.sln above {AppContext.BaseDirectory}.");
    });

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public static string Relative(string fullPath) =>
        System.IO.Path.GetRelativePath(Path, fullPath).Replace('\\', '/');
}

/// <summary>One YAML document of one file.</summary>
public sealed record ManifestDocument(string File, YamlMappingNode Root)
{
    public string RelativePath => RepositoryRoot.Relative(File);

    public string Kind => Root.Str("kind") ?? "";

    public string Name => Root.Map("metadata").Str("name") ?? "";

    /// <summary>A kustomize build file (Kustomization or Component) rather than a Kubernetes object.</summary>
    public bool IsKustomization => Kind is "Kustomization" or "Component";

    /// <summary>A whole Deployment (with a selector), not a strategic-merge patch of one.</summary>
    public bool IsCompleteDeployment => Kind == "Deployment" && Root.Path("spec", "selector") is not null;

    public override string ToString() => $"{Kind}/{Name} in {RelativePath}";
}

/// <summary>Every YAML document under k8s/, parsed once.</summary>
public static class Manifests
{
    /// <summary>The four services of the complaint domain: each validates Identity's tokens and is one of its clients.</summary>
    public static readonly IReadOnlyList<string> Services = ["intake", "routing", "notifications", "insights"];

    /// <summary>The identity provider: the only process that signs tokens.</summary>
    public const string Identity = "identity";

    /// <summary>The web app (complainant portal): no database, no gRPC port, only its data-protection keys.</summary>
    public const string Web = "web";

    /// <summary>The processes with a database of their own (a migrate step, the data dir, a SQLite claim locally).</summary>
    public static readonly IReadOnlyList<string> WithDatabase = [.. Services, Identity];

    /// <summary>The processes that write to the data dir: those with a database, and the web app (its key ring without Redis).</summary>
    public static readonly IReadOnlyList<string> WithDataDir = [.. WithDatabase, Web];

    /// <summary>The platform's processes: the four services, Identity, the web app and the gateway.</summary>
    public static readonly IReadOnlyList<string> Processes = [.. WithDatabase, Web, "gateway"];

    /// <summary>The services the web app calls (gRPC), and no other.</summary>
    public static readonly IReadOnlyList<string> WebBackends = ["intake", "insights", "notifications"];

    /// <summary>The overlays that <c>kubectl kustomize</c> must render.</summary>
    public static readonly IReadOnlyList<string> Overlays = ["local", "local-redis", "production"];

    private static readonly Lazy<IReadOnlyList<ManifestDocument>> AllDocuments = new(() =>
        YamlFiles(RepositoryRoot.Combine("k8s")).SelectMany(Load).ToList());

    public static IReadOnlyList<ManifestDocument> All => AllDocuments.Value;

    /// <summary>Documents whose file lies under <c>k8s/{folder}</c>.</summary>
    public static IReadOnlyList<ManifestDocument> Under(string folder) =>
        All.Where(d => d.RelativePath.StartsWith($"k8s/{folder.TrimEnd('/')}/", StringComparison.Ordinal)).ToList();

    public static ManifestDocument Kustomization(string folder) =>
        Under(folder).Single(d => d.IsKustomization && d.RelativePath == $"k8s/{folder}/kustomization.yaml");

    /// <summary>Complete Deployments anywhere under k8s/ (base and components), not overlay patches.</summary>
    public static IReadOnlyList<ManifestDocument> CompleteDeployments => All.Where(d => d.IsCompleteDeployment).ToList();

    /// <summary>The platform's own Deployment of a process, in the base.</summary>
    public static ManifestDocument BaseDeployment(string name) =>
        Under("base").Single(d => d.IsCompleteDeployment && d.Name == name);

    public static ManifestDocument BaseService(string name) =>
        Under("base").Single(d => d.Kind == "Service" && d.Name == name);

    public static IEnumerable<string> YamlFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Where(f => !IsBuildOutput(f))
            .Order(StringComparer.Ordinal);

    public static IReadOnlyList<ManifestDocument> Load(string file) => Parse(File.ReadAllText(file), file);

    public static IReadOnlyList<ManifestDocument> Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }
        var documents = new List<ManifestDocument>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlMappingNode root)
            {
                documents.Add(new ManifestDocument(file, root));
            }
            else if (document.RootNode is not YamlScalarNode { Value: null or "" })
            {
                throw new InvalidDataException($"{file}: a document that is not a mapping.");
            }
        }
        return documents;
    }

    /// <summary>The pod template's containers of a Deployment (or a patch of one).</summary>
    public static IEnumerable<YamlMappingNode> Containers(this ManifestDocument deployment) =>
        deployment.Root.Path("spec", "template", "spec").Seq("containers").OfType<YamlMappingNode>();

    /// <summary>The pod template's init containers.</summary>
    public static IEnumerable<YamlMappingNode> InitContainers(this ManifestDocument deployment) =>
        deployment.Root.Path("spec", "template", "spec").Seq("initContainers").OfType<YamlMappingNode>();

    public static YamlMappingNode Container(this ManifestDocument deployment) =>
        deployment.Containers().Single(c => c.Str("name") == deployment.Name);

    /// <summary>The container's env entries by name.</summary>
    public static IReadOnlyDictionary<string, YamlMappingNode> Env(this YamlMappingNode container) =>
        container.Seq("env").OfType<YamlMappingNode>().ToDictionary(e => e.Str("name") ?? "", StringComparer.Ordinal);

    /// <summary>The container's port numbers by port name.</summary>
    public static IReadOnlyDictionary<string, int> Ports(this YamlMappingNode container) =>
        container.Seq("ports").OfType<YamlMappingNode>()
            .ToDictionary(p => p.Str("name") ?? "", p => int.Parse(p.Str("containerPort")!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <summary>Every (secret name, key) a document reads through secretKeyRef.</summary>
    public static IEnumerable<(string Secret, string Key)> SecretKeyRefs(this ManifestDocument document) =>
        Descendants(document.Root)
            .OfType<YamlMappingNode>()
            .Select(n => n.Map("secretKeyRef"))
            .Where(r => r is not null)
            .Select(r => (r.Str("name") ?? "", r.Str("key") ?? ""));

    /// <summary>Every secret a document imports whole through envFrom secretRef.</summary>
    public static IEnumerable<string> EnvFromSecrets(this ManifestDocument document) =>
        Descendants(document.Root)
            .OfType<YamlMappingNode>()
            .SelectMany(n => n.Seq("envFrom"))
            .Select(e => e.Map("secretRef").Str("name"))
            .OfType<string>();

    /// <summary>Every secret a document mounts as a volume (secret or projected secret sources).</summary>
    public static IEnumerable<string> SecretVolumes(this ManifestDocument document) =>
        Descendants(document.Root)
            .OfType<YamlMappingNode>()
            .SelectMany(n => new[] { n.Map("secret").Str("secretName"), n.Map("secret").Str("name") })
            .OfType<string>();

    /// <summary>Every secret a document can read: by key, imported whole, or mounted.</summary>
    public static IEnumerable<string> SecretsRead(this ManifestDocument document) =>
        document.SecretKeyRefs().Select(r => r.Secret).Concat(document.EnvFromSecrets()).Concat(document.SecretVolumes()).Distinct();

    /// <summary>The labels of a Deployment's pods.</summary>
    public static IReadOnlyDictionary<string, string> PodLabels(this ManifestDocument deployment) =>
        Labels(deployment.Root.Path("spec", "template", "metadata", "labels"));

    /// <summary>A label map (matchLabels, metadata.labels) as a dictionary; empty when absent.</summary>
    public static IReadOnlyDictionary<string, string> Labels(YamlNode? labels) =>
        labels is YamlMappingNode map
            ? map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (c.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The literals (KEY=value) of a configMapGenerator entry in a kustomization.</summary>
    public static IReadOnlyDictionary<string, string> ConfigMapLiterals(this ManifestDocument kustomization, string name) =>
        kustomization.Root.Seq("configMapGenerator").OfType<YamlMappingNode>()
            .Where(g => g.Str("name") == name)
            .SelectMany(g => g.Seq("literals"))
            .OfType<YamlScalarNode>()
            .Select(s => s.Value!.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    public static IEnumerable<YamlNode> Descendants(YamlNode node)
    {
        yield return node;
        IEnumerable<YamlNode> children = node switch
        {
            YamlMappingNode m => m.Children.Values,
            YamlSequenceNode s => s.Children,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }

    /// <summary>The port of a Kestrel URL such as <c>http://+:8081</c>.</summary>
    public static int? UrlPort(string? url) =>
        url is not null && Regex.Match(url, @":(\d+)/?$") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private static bool IsBuildOutput(string file)
    {
        var parts = RepositoryRoot.Relative(file).Split('/');
        return parts.Any(p => p is "bin" or "obj" or ".git" or "node_modules" or ".data" or "artifacts" or "TestResults");
    }
}

/// <summary>Null-tolerant navigation in a YAML tree.</summary>
public static class YamlNavigation
{
    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode? Path(this YamlNode? node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => current.Get(key));

    public static YamlMappingNode? Map(this YamlNode? node, string key) => node.Get(key) as YamlMappingNode;

    public static IEnumerable<YamlNode> Seq(this YamlNode? node, string key) =>
        node.Get(key) is YamlSequenceNode seq ? seq.Children : [];

    public static string? Str(this YamlNode? node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    public static string? Str(this YamlNode? node, params string[] keys) =>
        (node.Path(keys) as YamlScalarNode)?.Value;
}
