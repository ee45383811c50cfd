using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>The overlays render with kustomize; the Dockerfile builds every process's project closure.</summary>
public class RenderAndImageTests
{
    public static TheoryData<string> Overlays => [.. Manifests.Overlays];

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task KubectlKustomize_Overlay_EachServiceMigratesInAnInitStepAndOnlyVerifiesAtStart(string overlay)
    {
        var deployments = Manifests.Parse(await Kubectl.KustomizeAsync($"k8s/overlays/{overlay}"), $"<render of {overlay}>")
            .Where(d => d.Kind == "Deployment").ToList();

        foreach (var service in Manifests.WithDatabase)
        {
            var deployment = deployments.Single(d => d.Name == service);
            var container = deployment.Container();
            var migrate = Assert.Single(deployment.InitContainers(), c => c.Str("name") == "migrate");

            Assert.Equal(container.Str("image"), migrate.Str("image"));
            Assert.Equal(["--Database:Migrations=ApplyAndExit"], migrate.Seq("args").OfType<YamlScalarNode>().Select(a => a.Value));
            Assert.Equal("Verify", container.Env()["Database__Migrations"].Str("value"));
            // The step reaches the database the service uses: the same data volume, the same connection string.
            var mounts = (YamlMappingNode c) => c.Seq("volumeMounts").OfType<YamlMappingNode>().Select(m => (m.Str("name"), m.Str("mountPath")));
            Assert.Contains(mounts(container).Single(m => m.Item2 == "/data"), mounts(migrate));
            Assert.Equal(
                container.Seq("envFrom").Select(e => e.Map("configMapRef").Str("name")).OfType<string>(),
                migrate.Seq("envFrom").Select(e => e.Map("configMapRef").Str("name")).OfType<string>());
            var connection = $"ConnectionStrings__{service}";
            Assert.Equal(container.Env().ContainsKey(connection), migrate.Env().ContainsKey(connection));
            Assert.Equal(overlay == "production", migrate.Env().ContainsKey(connection));
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task KubectlKustomize_Overlay_RendersEveryDeployment(string overlay)
    {
        var output = await Kubectl.KustomizeAsync($"k8s/overlays/{overlay}");

        Assert.False(string.IsNullOrWhiteSpace(output), $"kubectl kustomize k8s/overlays/{overlay} rendered nothing.");
        var documents = Manifests.Parse(output, $"<render of {overlay}>");
        var deployments = documents.Where(d => d.Kind == "Deployment").ToList();
        foreach (var name in Manifests.Processes)
        {
            Assert.Contains(deployments, d => d.Name == name);
        }
        Assert.All(documents.Where(d => d.Kind != "Namespace"), d => Assert.Equal("complaints", d.Root.Str("metadata", "namespace")));

        // Every referenced ConfigMap exists in the render (the generator's hash suffix was applied to the references).
        var configMaps = documents.Where(d => d.Kind == "ConfigMap").ToDictionary(d => d.Name);
        foreach (var deployment in deployments)
        {
            foreach (var container in deployment.Containers())
            {
                Assert.Contains(':', container.Str("image") ?? "");
                foreach (var reference in container.Seq("envFrom").Select(e => e.Map("configMapRef").Str("name")).OfType<string>())
                {
                    Assert.True(configMaps.ContainsKey(reference), $"{overlay}: {deployment.Name} refers to a missing ConfigMap {reference}.");
                }
            }
        }
        var config = Assert.Single(configMaps.Values, c => c.Name.StartsWith("complaints-config", StringComparison.Ordinal));
        var provider = config.Root.Str("data", "Database__Provider");
        if (overlay == "production")
        {
            Assert.Equal("SqlServer", provider);
            foreach (var deployment in deployments)
            {
                Assert.True(int.Parse(deployment.Root.Str("spec", "replicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 2,
                    $"production: {deployment.Name} has fewer than 2 replicas.");
                if (Manifests.Services.Contains(deployment.Name) || deployment.Name == Manifests.Web)
                {
                    Assert.Contains("ConnectionStrings__Redis", deployment.Container().Env().Keys);
                }
                if (Manifests.WithDatabase.Contains(deployment.Name))
                {
                    Assert.Contains($"ConnectionStrings__{deployment.Name}", deployment.Container().Env().Keys);
                }
            }
        }
        else
        {
            Assert.Equal("Sqlite", provider);
            foreach (var service in Manifests.WithDataDir)
            {
                var volumes = deployments.Single(d => d.Name == service).Root.Path("spec", "template", "spec").Seq("volumes").OfType<YamlMappingNode>();
                var data = volumes.Single(v => v.Str("name") == "data");
                Assert.Equal($"{service}-data", data.Str("persistentVolumeClaim", "claimName"));
                Assert.Null(data.Get("emptyDir"));
            }
            var redis = config.Root.Str("data", "ConnectionStrings__Redis");
            Assert.Equal(overlay == "local-redis", redis is not null);
            Assert.Equal(overlay == "local-redis", deployments.Any(d => d.Name == "redis"));
        }
    }

    [Fact]
    public void Dockerfile_RestoreLayer_CopiesEveryProjectOfEveryImage()
    {
        var dockerfile = File.ReadAllText(RepositoryRoot.Combine("Dockerfile"));
        var copies = Regex.Matches(dockerfile, @"^COPY\s+(?!--from)(.+)$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToList();
        var copiedFiles = copies.SelectMany(c => c).ToHashSet(StringComparer.Ordinal);
        var copiedFolders = copiedFiles.Where(c => c.EndsWith('/')).ToList();
        var restoreAt = dockerfile.IndexOf("dotnet restore", StringComparison.Ordinal);
        Assert.True(restoreAt > 0, "The Dockerfile does not restore in a layer of its own.");

        var entries = Manifests.WithDataDir
            .Select(s => $"services/{char.ToUpperInvariant(s[0])}{s[1..]}/{char.ToUpperInvariant(s[0])}{s[1..]}.csproj")
            .Append("gateway/Gateway.csproj");
        foreach (var project in entries.SelectMany(ProjectClosure).Distinct())
        {
            // Before the restore: the project file itself; after it: its folder's sources.
            var copyLine = Regex.Match(dockerfile, $@"^COPY\s+{Regex.Escape(project)}\s", RegexOptions.Multiline);
            Assert.True(copyLine.Success && copyLine.Index < restoreAt, $"The Dockerfile does not copy {project} before `dotnet restore`.");
            Assert.Contains(copiedFolders, f => project.StartsWith(f, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Dockerfile_Stages_PublishReleaseAndRunNonRoot()
    {
        var dockerfile = File.ReadAllText(RepositoryRoot.Combine("Dockerfile"));

        Assert.Matches(@"(?m)^ARG PROJECT\b", dockerfile);
        Assert.Matches(@"(?m)^ARG ASSEMBLY\b", dockerfile);
        Assert.Matches(@"(?m)^FROM \$\{SDK_IMAGE\} AS build", dockerfile);
        Assert.Matches(@"(?m)^FROM \$\{RUNTIME_IMAGE\} AS runtime", dockerfile);
        Assert.Matches(@"(?m)^\s*dotnet publish .*-c Release", dockerfile);
        Assert.Equal(2, Regex.Matches(dockerfile, @"(?m)^FROM\s").Count);
        var user = Regex.Matches(dockerfile, @"(?m)^USER\s+(\S+)").Last().Groups[1].Value;
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"The final USER is '{user}', not a numeric non-root uid (runAsNonRoot needs one).");
        foreach (var deployment in Manifests.Processes.Select(Manifests.BaseDeployment))
        {
            Assert.Equal(user, deployment.Root.Str("spec", "template", "spec", "securityContext", "runAsUser"));
        }

        var ignored = File.ReadAllLines(RepositoryRoot.Combine(".dockerignore")).Select(l => l.Trim()).ToHashSet();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", ".data/", "tests/", ".git/" })
        {
            Assert.Contains(pattern, ignored);
        }
    }

    /// <summary>A project and every project it references, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            var full = RepositoryRoot.Combine(current);
            Assert.True(File.Exists(full), $"{current} does not exist.");
            foreach (var reference in XDocument.Load(full).Descendants("ProjectReference").Select(r => r.Attribute("Include")?.Value).OfType<string>())
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, reference.Replace('\\', '/')));
                pending.Push(RepositoryRoot.Relative(path));
            }
        }
        return seen;
    }
}
