using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>Every workload under k8s/: parses, probes, resources, a locked-down security context, ports that agree.</summary>
public class WorkloadTests
{
    public static TheoryData<string> Processes => [.. Manifests.Processes];

    [Fact]
    public void YamlFiles_UnderK8s_ParseWithApiVersionAndKind()
    {
        var files = Manifests.YamlFiles(RepositoryRoot.Combine("k8s")).ToList();

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var documents = Manifests.Load(file);
            Assert.True(documents.Count > 0, $"{RepositoryRoot.Relative(file)} holds no YAML document.");
            foreach (var document in documents)
            {
                Assert.False(string.IsNullOrEmpty(document.Root.Str("apiVersion")), $"{document} has no apiVersion.");
                Assert.False(string.IsNullOrEmpty(document.Kind), $"{document.RelativePath} has a document without kind.");
            }
        }
    }

    [Fact]
    public void Base_Processes_EachHaveDeploymentAndService()
    {
        foreach (var name in Manifests.Processes)
        {
            Assert.Single(Manifests.Under("base"), d => d.IsCompleteDeployment && d.Name == name);
            Assert.Single(Manifests.Under("base"), d => d.Kind == "Service" && d.Name == name);
        }
        var listed = Manifests.Kustomization("base").Root.Seq("resources").OfType<YamlScalarNode>().Select(s => s.Value).ToHashSet();
        foreach (var file in Manifests.Under("base").Where(d => !d.IsKustomization).Select(d => Path.GetFileName(d.File)).Distinct())
        {
            Assert.Contains(file, listed);
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Deployment_Probes_HealthEndpointsOnHttpPort(string name)
    {
        var container = Manifests.BaseDeployment(name).Container();
        var ports = container.Ports();

        Assert.True(ports.ContainsKey("http"), $"{name}: no container port named http.");
        Assert.Equal("/health/live", container.Str("livenessProbe", "httpGet", "path"));
        Assert.Equal("http", container.Str("livenessProbe", "httpGet", "port"));
        Assert.Equal("/health/ready", container.Str("readinessProbe", "httpGet", "path"));
        Assert.Equal("http", container.Str("readinessProbe", "httpGet", "port"));
        Assert.Equal("/health/live", container.Str("startupProbe", "httpGet", "path"));
        Assert.Equal("http", container.Str("startupProbe", "httpGet", "port"));
    }

    [Fact]
    public void Deployments_Everywhere_HaveProbesResourcesAndRestrictedSecurity()
    {
        Assert.NotEmpty(Manifests.CompleteDeployments);
        foreach (var deployment in Manifests.CompleteDeployments)
        {
            var pod = deployment.Root.Path("spec", "template", "spec");
            Assert.True(pod.Str("securityContext", "runAsNonRoot") == "true", $"{deployment}: pod securityContext.runAsNonRoot is not true.");
            Assert.Equal("RuntimeDefault", pod.Str("securityContext", "seccompProfile", "type"));
            Assert.Equal("false", pod.Str("automountServiceAccountToken"));

            foreach (var container in deployment.Containers().Concat(deployment.InitContainers()))
            {
                var where = $"{deployment}, container {container.Str("name")}";
                if (!deployment.InitContainers().Contains(container))
                {
                    Assert.True(container.Get("livenessProbe") is not null, $"{where}: no livenessProbe.");
                    Assert.True(container.Get("readinessProbe") is not null, $"{where}: no readinessProbe.");
                }
                foreach (var (kind, resource) in new[] { ("requests", "cpu"), ("requests", "memory"), ("limits", "memory") })
                {
                    Assert.True(container.Str("resources", kind, resource) is not null, $"{where}: no resources.{kind}.{resource}.");
                }
                var security = container.Map("securityContext");
                Assert.True(security.Str("runAsNonRoot") == "true", $"{where}: runAsNonRoot is not true.");
                Assert.True(security.Str("allowPrivilegeEscalation") == "false", $"{where}: allowPrivilegeEscalation is not false.");
                Assert.True(security.Str("readOnlyRootFilesystem") == "true", $"{where}: readOnlyRootFilesystem is not true.");
                var dropped = security.Map("capabilities").Seq("drop").OfType<YamlScalarNode>().Select(s => s.Value);
                Assert.Contains("ALL", dropped);
                Assert.Empty(security.Map("capabilities").Seq("add"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Deployment_ReadOnlyRoot_MountsWritableTmpAndDataDir(string name)
    {
        var deployment = Manifests.BaseDeployment(name);
        var mounts = deployment.Container().Seq("volumeMounts").OfType<YamlMappingNode>()
            .ToDictionary(m => m.Str("mountPath")!, m => m.Str("name")!);
        var volumes = deployment.Root.Path("spec", "template", "spec").Seq("volumes").OfType<YamlMappingNode>()
            .ToDictionary(v => v.Str("name")!);

        Assert.True(mounts.TryGetValue("/tmp", out var tmp), $"{name}: /tmp is not mounted.");
        Assert.NotNull(volumes[tmp].Get("emptyDir"));
        if (Manifests.WithDataDir.Contains(name))
        {
            var dataDir = Manifests.Kustomization("base").ConfigMapLiterals("complaints-config")["DataDir"];
            Assert.True(mounts.TryGetValue(dataDir, out var data), $"{name}: the data dir {dataDir} is not mounted.");
            Assert.NotNull(volumes[data].Get("emptyDir"));
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Deployment_KestrelEndpoints_MatchContainerAndServicePorts(string name)
    {
        var container = Manifests.BaseDeployment(name).Container();
        var env = container.Env();
        var ports = container.Ports();
        // The gateway's HTTP/1.1 endpoint is called Rest, a service's Http (their appsettings.json); the web app has
        // only Http (it serves pages, no RPCs).
        var endpoints = new Dictionary<string, string>
        {
            [name == "gateway" ? "Kestrel__Endpoints__Rest__Url" : "Kestrel__Endpoints__Http__Url"] = "http",
        };
        if (name != Manifests.Web)
        {
            endpoints["Kestrel__Endpoints__Grpc__Url"] = "grpc";
        }
        var servicePorts = Manifests.BaseService(name).Root.Path("spec").Seq("ports").OfType<YamlMappingNode>()
            .ToDictionary(p => p.Str("name")!);

        foreach (var (variable, portName) in endpoints)
        {
            Assert.True(env.TryGetValue(variable, out var entry), $"{name}: {variable} is not set.");
            var url = entry.Str("value");
            Assert.True(url?.StartsWith("http://", StringComparison.Ordinal) == true, $"{name}: {variable}={url} is not a plain http URL.");
            Assert.Equal(ports[portName], Manifests.UrlPort(url));

            Assert.True(servicePorts.TryGetValue(portName, out var servicePort), $"Service {name} has no port named {portName}.");
            Assert.Equal(ports[portName], int.Parse(servicePort.Str("port")!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(servicePort.Str("targetPort"), new[] { portName, ports[portName].ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        Assert.Equal(endpoints.Values.Order(StringComparer.Ordinal), ports.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(endpoints.Values.Order(StringComparer.Ordinal), servicePorts.Keys.Order(StringComparer.Ordinal));
        if (servicePorts.TryGetValue("grpc", out var grpcPort))
        {
            Assert.Equal("kubernetes.io/h2c", grpcPort.Str("appProtocol"));
        }
        Assert.Equal(name, env["OTEL_SERVICE_NAME"].Str("value"));
        Assert.Equal(name, Manifests.BaseService(name).Root.Str("spec", "selector", "app.kubernetes.io/name"));
    }

    [Fact]
    public void ConfigMap_ServicesAddresses_MatchServiceNamesAndGrpcPorts()
    {
        var literals = Manifests.Kustomization("base").ConfigMapLiterals("complaints-config");
        var addresses = literals.Where(l => l.Key.StartsWith("Services__", StringComparison.Ordinal)).ToList();

        // Every peer the services, the web app and the gateway's clusters look up
        // (Services:Intake|Routing|Notifications|Insights|Identity|Web).
        Assert.Equal(
            Manifests.WithDataDir.Order(StringComparer.Ordinal),
            addresses.Select(a => a.Key["Services__".Length..].ToLowerInvariant()).Order(StringComparer.Ordinal));
        foreach (var (key, value) in addresses)
        {
            var uri = new Uri(value);
            var service = key["Services__".Length..].ToLowerInvariant();
            Assert.Equal("http", uri.Scheme);
            Assert.Equal(service, uri.Host);
            // The gRPC port, but the web app's pages: it has no other.
            var portName = service == Manifests.Web ? "http" : "grpc";
            var port = Manifests.BaseService(service).Root.Path("spec").Seq("ports").OfType<YamlMappingNode>().Single(p => p.Str("name") == portName);
            Assert.Equal(port.Str("port"), uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal("Sqlite", literals["Database__Provider"]);
        Assert.True(literals.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
    }

    [Fact]
    public void Images_BaseKustomization_NamesEveryContainerImage()
    {
        var named = Manifests.Kustomization("base").Root.Seq("images").OfType<YamlMappingNode>().Select(i => i.Str("name")).ToHashSet();
        foreach (var name in Manifests.Processes)
        {
            var image = Manifests.BaseDeployment(name).Container().Str("image");
            Assert.Equal($"complaints/{name}", image);
            Assert.Contains(image, named);
        }
        foreach (var overlay in new[] { "local", "production" })
        {
            var tagged = Manifests.Kustomization($"overlays/{overlay}").Root.Seq("images").OfType<YamlMappingNode>()
                .Where(i => !string.IsNullOrEmpty(i.Str("newTag"))).Select(i => i.Str("name")).ToHashSet();
            Assert.All(Manifests.Processes, p => Assert.Contains($"complaints/{p}", tagged));
        }
    }
}
