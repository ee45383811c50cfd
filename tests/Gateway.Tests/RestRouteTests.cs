using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Configuration;

namespace Complaints.Gateway.Tests;

/// <summary>
/// Every REST path the contracts declare (<c>google.api.http</c>) has a gateway route, so a method added to a service's
/// REST surface cannot be left unreachable from outside.
/// </summary>
public sealed class RestRouteTests
{
    private static readonly Regex[] Routes = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build()
        .GetSection("ReverseProxy:Routes").GetChildren()
        // The portal's route takes every other path; reaching it is not reaching the API.
        .Where(r => r["ClusterId"] != "web")
        .Select(r => r["Match:Path"])
        .OfType<string>()
        .Select(ToRegex)
        .ToArray();

    public static TheoryData<string, string> RestPaths()
    {
        var data = new TheoryData<string, string>();
        var files = typeof(Complaints.Intake.V1.IntakeService).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal) && t.GetProperty("Descriptor")?.GetValue(null) is FileDescriptor)
            .Select(t => (FileDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!)
            .Where(f => f.Package.StartsWith("complaints.", StringComparison.Ordinal));
        foreach (var method in files.SelectMany(f => f.Services).SelectMany(s => s.Methods))
        {
            if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
            {
                continue;
            }
            foreach (var r in new[] { rule }.Concat(rule.AdditionalBindings))
            {
                var path = r.Get is { Length: > 0 } ? r.Get : r.Post is { Length: > 0 } ? r.Post : r.Put is { Length: > 0 } ? r.Put : r.Delete is { Length: > 0 } ? r.Delete : r.Patch;
                if (!string.IsNullOrEmpty(path))
                {
                    data.Add(method.FullName, path);
                }
            }
        }
        return data;
    }

    [Fact]
    public void RestPaths_Contracts_FoundSome() => Assert.True(RestPaths().Count() > 20, $"only {RestPaths().Count()} REST paths found in the contracts");

    [Theory]
    [MemberData(nameof(RestPaths))]
    public void RestPath_DeclaredInAContract_HasAGatewayRoute(string method, string path)
    {
        // A sample request path: each {variable} (and {name=pattern}) is one segment.
        var sample = Regex.Replace(path, @"\{[^}]+\}", "x");

        Assert.True(Routes.Any(r => r.IsMatch(sample)), $"{method}: no gateway route matches {path}");
    }

    /// <summary>A YARP path template as a regex: {**catch-all} is any rest, {name} one segment.</summary>
    private static Regex ToRegex(string template)
    {
        var pattern = Regex.Escape(template)
            .Replace(@"/\{\*\*catch-all}", "(/.*)?")
            .Replace(@"\{\*\*catch-all}", ".*");
        pattern = Regex.Replace(pattern, @"\\\{[^}]+}", "[^/]+");
        return new Regex($"^{pattern}$", RegexOptions.IgnoreCase);
    }
}
