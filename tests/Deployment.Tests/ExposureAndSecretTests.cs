using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>Secrets stay out of the repository and are documented; only the gateway is reachable from outside.</summary>
public class ExposureAndSecretTests
{
    private static readonly Lazy<string> Guide = new(() => File.ReadAllText(RepositoryRoot.Combine("docs", "deployment.md")));

    [Fact]
    public void SecretManifests_InRepository_CarryNoValues()
    {
        // Every YAML file of the repository (not only k8s/): a Secret object must never hold data.
        var files = Manifests.YamlFiles(RepositoryRoot.Path).ToList();
        foreach (var file in files)
        {
            IReadOnlyList<ManifestDocument> documents;
            try
            {
                documents = Manifests.Load(file);
            }
            catch (YamlDotNet.Core.YamlException)
            {
                continue; // Not a Kubernetes file (templated YAML elsewhere); k8s/ files are checked to parse.
            }
            foreach (var document in documents.Where(d => d.Kind == "Secret"))
            {
                Assert.True(document.Root.Get("data") is null && document.Root.Get("stringData") is null,
                    $"{document} carries secret values: create the secret with kubectl instead (docs/deployment.md).");
            }
        }
        foreach (var kustomization in Manifests.All.Where(d => d.IsKustomization))
        {
            Assert.True(kustomization.Root.Get("secretGenerator") is null,
                $"{kustomization.RelativePath} generates a secret: its values would live in the repository.");
        }
    }

    [Fact]
    public void SecretReferences_Everywhere_AreDocumentedInDeploymentGuide()
    {
        var keyRefs = Manifests.All.SelectMany(d => d.SecretKeyRefs()).Distinct().ToList();
        var read = Manifests.All.SelectMany(d => d.SecretsRead()).Distinct().ToList();

        Assert.NotEmpty(keyRefs);
        foreach (var secret in read)
        {
            Assert.True(Guide.Value.Contains($"kubectl create secret generic {secret}", StringComparison.Ordinal),
                $"docs/deployment.md does not show how to create the secret '{secret}'.");
        }
        foreach (var (secret, key) in keyRefs)
        {
            Assert.True(Regex.IsMatch(Guide.Value, $@"--from-(literal|file)={Regex.Escape(key)}="),
                $"docs/deployment.md does not document the key '{key}' of the secret '{secret}' (--from-literal={key}=...).");
        }
    }

    [Fact]
    public void TlsSecrets_OfIngresses_AreDocumentedInDeploymentGuide()
    {
        var names = Manifests.All.Where(d => d.Kind == "Ingress")
            .SelectMany(d => d.Root.Path("spec").Seq("tls")).Select(t => t.Str("secretName")).OfType<string>().Distinct();
        foreach (var name in names)
        {
            Assert.Contains($"kubectl create secret tls {name}", Guide.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ingresses_Backends_OnlyTheGateway()
    {
        var ingresses = Manifests.All.Where(d => d.Kind == "Ingress").ToList();

        Assert.NotEmpty(ingresses);
        var backends = ingresses
            .SelectMany(i => Manifests.Descendants(i.Root).OfType<YamlMappingNode>())
            .Select(n => n.Map("service"))
            .Where(s => s is not null && s.Get("port") is not null)
            .ToList();
        Assert.NotEmpty(backends);
        Assert.All(backends, b => Assert.Equal("gateway", b.Str("name")));
        var ports = backends.Select(b => b.Str("port", "name")).ToHashSet();
        Assert.Equal(["grpc", "http"], ports.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ingresses_UploadForms_ExactPathsWithRoomForTheGatewaysUploadLimitAndNoMore()
    {
        // The gateway lets these two POSTs carry MaxRequestBodySize bytes (its routes web-submit and web-follow-answer).
        using var appsettings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("gateway", "appsettings.json")));
        var routes = appsettings.RootElement.GetProperty("ReverseProxy").GetProperty("Routes");
        var uploads = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var route in routes.EnumerateObject().Where(r => r.Value.TryGetProperty("MaxRequestBodySize", out _)))
        {
            uploads[route.Value.GetProperty("Match").GetProperty("Path").GetString()!] = route.Value.GetProperty("MaxRequestBodySize").GetInt64();
        }
        Assert.Equal(["/follow/answer", "/follow/documents", "/submit"], uploads.Keys.Order(StringComparer.Ordinal));

        var ingresses = Manifests.Under("base").Where(d => d.Kind == "Ingress").ToList();
        foreach (var (path, limit) in uploads)
        {
            var (ingress, rule) = ingresses
                .SelectMany(i => i.Root.Path("spec").Seq("rules").SelectMany(r => r.Path("http").Seq("paths")).Select(p => (Ingress: i, Path: p)))
                .Single(x => x.Path.Str("path") == path);
            Assert.Equal("Exact", rule.Str("pathType"));
            Assert.Equal("gateway", rule.Str("backend", "service", "name"));
            Assert.True(BodySize(ingress) >= limit, $"{ingress}: proxy-body-size refuses {path} bodies the gateway accepts ({limit} bytes).");
            // Only the upload forms get the larger limit: every path of that Ingress is one of them.
            Assert.All(ingress.Root.Path("spec").Seq("rules").SelectMany(r => r.Path("http").Seq("paths")), p => Assert.Contains(p.Str("path"), uploads.Keys));
            // The same public host as the rest of the portal.
            var restHosts = ingresses.Single(i => i.Name == "gateway-rest").Root.Path("spec").Seq("rules").Select(r => r.Str("host"));
            Assert.Equal(restHosts, ingress.Root.Path("spec").Seq("rules").Select(r => r.Str("host")).Distinct());
        }
        foreach (var other in ingresses.Where(i => i.Root.Path("spec").Seq("rules").SelectMany(r => r.Path("http").Seq("paths")).All(p => !uploads.ContainsKey(p.Str("path") ?? ""))))
        {
            Assert.True(BodySize(other) < uploads.Values.Min(), $"{other}: proxy-body-size is as large as the upload forms'.");
        }
    }

    /// <summary>An ingress-nginx proxy-body-size (e.g. 32m) in bytes.</summary>
    private static long BodySize(ManifestDocument ingress)
    {
        var value = ingress.Root.Str("metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-body-size")
            ?? throw new Xunit.Sdk.XunitException($"{ingress} has no proxy-body-size (ingress-nginx's default is 1m).");
        var number = long.Parse(value[..^1], System.Globalization.CultureInfo.InvariantCulture);
        return char.ToLowerInvariant(value[^1]) switch
        {
            'k' => number * 1024,
            'm' => number * 1024 * 1024,
            'g' => number * 1024 * 1024 * 1024,
            _ => long.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    [Fact]
    public void Services_Everywhere_StayInsideTheCluster()
    {
        foreach (var service in Manifests.All.Where(d => d.Kind == "Service"))
        {
            var type = service.Root.Str("spec", "type") ?? "ClusterIP";
            Assert.True(type == "ClusterIP", $"{service} is of type {type}: only the Ingress exposes the platform.");
            Assert.Null(service.Root.Path("spec", "externalIPs"));
        }
        Assert.DoesNotContain(Manifests.All, d => d.Kind is "Route" or "Gateway" or "HTTPRoute" or "GRPCRoute");
    }

    [Fact]
    public void NetworkPolicies_Base_DenyByDefaultAndAdmitOutsideTrafficToGatewayOnly()
    {
        var policies = Manifests.All.Where(d => d.Kind == "NetworkPolicy").ToList();

        var denyAll = Assert.Single(Manifests.Under("base"), d => d.Kind == "NetworkPolicy"
            && d.Root.Path("spec", "podSelector") is YamlMappingNode { Children.Count: 0 }
            && d.Root.Path("spec").Get("ingress") is null);
        Assert.Contains("Ingress", denyAll.Root.Path("spec").Seq("policyTypes").OfType<YamlScalarNode>().Select(s => s.Value));

        foreach (var policy in policies)
        {
            var selected = policy.Root.Str("spec", "podSelector", "matchLabels", "app.kubernetes.io/name");
            foreach (var peer in policy.Root.Path("spec").Seq("ingress").SelectMany(r => r.Seq("from")).OfType<YamlMappingNode>())
            {
                var fromOutside = peer.Get("namespaceSelector") is not null || peer.Get("ipBlock") is not null;
                Assert.False(fromOutside && selected != "gateway",
                    $"{policy} admits traffic from outside the namespace to pods other than the gateway.");
                if (!fromOutside)
                {
                    // Inside the namespace: the gateway, the platform's services or the web app, nobody else (which of
                    // them reaches what: IdentityTests and WebTests).
                    var labels = peer.Map("podSelector").Map("matchLabels");
                    Assert.True(
                        labels.Str("app.kubernetes.io/name") is "gateway" or Manifests.Web || labels.Str("app.kubernetes.io/component") == "service",
                        $"{policy} admits pods other than the gateway, the services and the web app.");
                }
            }
        }

        // The one policy for every service (web-backends-from-web selects three of them by name, for the web app).
        var services = Assert.Single(Manifests.Under("base"), d => d.Kind == "NetworkPolicy"
            && d.Root.Str("spec", "podSelector", "matchLabels", "app.kubernetes.io/component") == "service"
            && d.Root.Path("spec", "podSelector").Get("matchExpressions") is null);
        Assert.Equal(2, services.Root.Path("spec").Seq("ingress").Single().Seq("from").Count());
        Assert.Single(Manifests.Under("base"), d => d.Kind == "NetworkPolicy"
            && d.Root.Str("spec", "podSelector", "matchLabels", "app.kubernetes.io/name") == "gateway");
    }

    [Fact]
    public void Namespace_Base_EnforcesRestrictedPodSecurity()
    {
        var ns = Assert.Single(Manifests.Under("base"), d => d.Kind == "Namespace");
        Assert.Equal("complaints", ns.Name);
        Assert.Equal("complaints", Manifests.Kustomization("base").Root.Str("namespace"));
        Assert.Equal("restricted", ns.Root.Str("metadata", "labels", "pod-security.kubernetes.io/enforce"));
    }
}
