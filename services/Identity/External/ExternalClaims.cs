using System.Security.Claims;
using System.Text.Json;

namespace Complaints.Identity.External;

/// <summary>
/// Reads claims of a validated external token as the configuration names them: a plain claim (<c>roles</c>,
/// <c>groups</c>), one whose value is a JSON array, or a dotted path into a JSON object (Keycloak's
/// <c>realm_access.roles</c>, <c>resource_access.{client}.roles</c>).
/// </summary>
public static class ExternalClaims
{
    /// <summary>The string values at <paramref name="path"/>; none when the claim is missing or not strings.</summary>
    public static IReadOnlyList<string> Values(ClaimsPrincipal principal, string path)
    {
        var values = new List<string>();
        foreach (var claim in principal.FindAll(path))
        {
            Add(values, claim.Value, []);
        }
        // A dotted path: the longest prefix that is a claim holding a JSON object, then down the rest.
        var segments = path.Split('.');
        for (var i = segments.Length - 1; i >= 1 && values.Count == 0; i--)
        {
            foreach (var claim in principal.FindAll(string.Join('.', segments[..i])))
            {
                Add(values, claim.Value, segments[i..]);
            }
        }
        return values;
    }

    /// <summary>The first value at <paramref name="path"/>, or null.</summary>
    public static string? Value(ClaimsPrincipal principal, string path) => Values(principal, path) is [var first, ..] ? first : null;

    /// <summary>Whether the claim says true (a JSON boolean, or the text "true").</summary>
    public static bool IsTrue(ClaimsPrincipal principal, string path) =>
        string.Equals(Value(principal, path), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The string values at <paramref name="path"/> in a JSON document (a userinfo answer).</summary>
    public static IEnumerable<string> Values(JsonElement root, string path)
    {
        var values = new List<string>();
        Collect(values, root, path.Split('.'));
        return values;
    }

    private static void Add(List<string> values, string value, string[] rest)
    {
        var trimmed = value.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                using var json = JsonDocument.Parse(value);
                Collect(values, json.RootElement, rest);
                return;
            }
            catch (JsonException)
            {
                // Not JSON after all: a plain value.
            }
        }
        if (rest.Length == 0)
        {
            values.Add(value);
        }
    }

    private static void Collect(List<string> values, JsonElement element, ReadOnlySpan<string> rest)
    {
        if (rest.Length > 0)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(rest[0], out var child))
            {
                Collect(values, child, rest[1..]);
            }
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                values.Add(element.GetString()!);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                values.Add(element.GetBoolean() ? "true" : "false");
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        values.Add(item.GetString()!);
                    }
                }
                break;
        }
    }
}
