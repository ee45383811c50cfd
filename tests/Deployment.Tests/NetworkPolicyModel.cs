using YamlDotNet.RepresentationModel;

namespace Complaints.Deployment.Tests;

/// <summary>A pod as NetworkPolicies see it: its namespace's labels and its own.</summary>
public sealed record PodRef(string Description, string Namespace, IReadOnlyDictionary<string, string> Labels)
{
    public IReadOnlyDictionary<string, string> NamespaceLabels { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/metadata.name"] = Namespace };

    public static PodRef Platform(ManifestDocument deployment) => new(deployment.Name, "complaints", deployment.PodLabels());

    public static PodRef Other(string description, string ns, string name) =>
        new(description, ns, new Dictionary<string, string>(StringComparer.Ordinal) { ["app.kubernetes.io/name"] = name });

    public override string ToString() => $"{Description} ({Namespace})";
}

/// <summary>
/// Which traffic the NetworkPolicies of the complaints namespace admit, decided the way Kubernetes does for the forms
/// these manifests use (matchLabels, matchExpressions, namespaceSelector, numeric ports). An ipBlock peer is taken to
/// match every pod, so a "denied" answer never rests on an address range.
/// </summary>
public static class NetworkPolicyModel
{
    public static bool Selects(YamlNode? selector, IReadOnlyDictionary<string, string> labels) =>
        Manifests.Labels(selector.Get("matchLabels")).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && selector.Seq("matchExpressions").All(e => Matches(e, labels));

    /// <summary>One requirement of a label selector's matchExpressions.</summary>
    private static bool Matches(YamlNode expression, IReadOnlyDictionary<string, string> labels)
    {
        var values = expression.Seq("values").OfType<YamlScalarNode>().Select(v => v.Value).ToList();
        var present = labels.TryGetValue(expression.Str("key") ?? "", out var value);
        return expression.Str("operator") switch
        {
            "In" => present && values.Contains(value),
            "NotIn" => !present || !values.Contains(value),
            "Exists" => present,
            "DoesNotExist" => !present,
            var other => throw new NotSupportedException($"matchExpressions operator '{other}'."),
        };
    }

    public static IReadOnlyList<string> PolicyTypes(ManifestDocument policy)
    {
        var declared = policy.Root.Path("spec").Seq("policyTypes").OfType<YamlScalarNode>().Select(s => s.Value!).ToList();
        if (declared.Count > 0)
        {
            return declared;
        }
        return policy.Root.Path("spec").Get("egress") is null ? ["Ingress"] : ["Ingress", "Egress"];
    }

    /// <summary>The policies that isolate a pod in one direction ("Ingress" or "Egress").</summary>
    public static IReadOnlyList<ManifestDocument> Isolating(IEnumerable<ManifestDocument> policies, IReadOnlyDictionary<string, string> pod, string direction) =>
        policies.Where(p => p.Kind == "NetworkPolicy" && Selects(p.Root.Path("spec", "podSelector"), pod) && PolicyTypes(p).Contains(direction)).ToList();

    /// <summary>Whether <paramref name="source"/> may open a TCP connection to a pod of the complaints namespace on a port.</summary>
    public static bool AdmitsIngress(IEnumerable<ManifestDocument> policies, PodRef source, IReadOnlyDictionary<string, string> target, int port)
    {
        var isolating = Isolating(policies, target, "Ingress");
        if (isolating.Count == 0)
        {
            return true;
        }
        return isolating.SelectMany(p => p.Root.Path("spec").Seq("ingress"))
            .Any(rule => PortAllowed(rule, port) && PeerAllowed(rule.Get("from"), source));
    }

    /// <summary>Whether a pod of the complaints namespace (<paramref name="source"/>) may open a TCP connection to <paramref name="target"/> on a port.</summary>
    public static bool AdmitsEgress(IEnumerable<ManifestDocument> policies, IReadOnlyDictionary<string, string> source, PodRef target, int port)
    {
        var isolating = Isolating(policies, source, "Egress");
        if (isolating.Count == 0)
        {
            return true;
        }
        return isolating.SelectMany(p => p.Root.Path("spec").Seq("egress"))
            .Any(rule => PortAllowed(rule, port) && PeerAllowed(rule.Get("to"), target));
    }

    /// <summary>Egress and ingress both: what a connection from one platform pod to another needs.</summary>
    public static bool Connects(IReadOnlyList<ManifestDocument> policies, PodRef source, PodRef target, int port) =>
        AdmitsEgress(policies, source.Labels, target, port) && AdmitsIngress(policies, source, target.Labels, port);

    private static bool PortAllowed(YamlNode rule, int port)
    {
        var ports = rule.Seq("ports").ToList();
        return ports.Count == 0 || ports.Any(p =>
            (p.Str("protocol") ?? "TCP") == "TCP"
            && int.TryParse(p.Str("port"), System.Globalization.CultureInfo.InvariantCulture, out var n)
            && (n == port || (int.TryParse(p.Str("endPort"), System.Globalization.CultureInfo.InvariantCulture, out var end) && n <= port && port <= end)));
    }

    /// <summary>Whether a rule's peers (its from, or its to) include the pod.</summary>
    private static bool PeerAllowed(YamlNode? peersNode, PodRef source)
    {
        if (peersNode is not YamlSequenceNode peers || peers.Children.Count == 0)
        {
            return true;
        }
        return peers.Children.Any(peer =>
        {
            if (peer.Get("ipBlock") is not null)
            {
                return true;
            }
            var namespaceSelector = peer.Get("namespaceSelector");
            var namespaceMatches = namespaceSelector is null ? source.Namespace == "complaints" : Selects(namespaceSelector, source.NamespaceLabels);
            var podSelector = peer.Get("podSelector");
            return namespaceMatches && (podSelector is null || Selects(podSelector, source.Labels));
        });
    }
}
