using System.Diagnostics;

namespace Complaints.Deployment.Tests;

/// <summary>kubectl on PATH (its built-in kustomize renders offline; no cluster is contacted).</summary>
public static class Kubectl
{
    public const string MissingMessage =
        "SKIPPED LOUDLY: kubectl is not on PATH, so the kustomize render of the overlays was NOT checked. "
        + "Install kubectl (it includes kustomize) to run this check; `kubectl kustomize k8s/overlays/<name>` needs no cluster.";

    private static readonly Lazy<string?> Found = new(() =>
    {
        var names = OperatingSystem.IsWindows() ? new[] { "kubectl.exe", "kubectl" } : ["kubectl"];
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(n => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    });

    public static string? Executable => Found.Value;

    /// <summary>Runs <c>kubectl kustomize {folder}</c> and returns its output; throws with stderr on failure.</summary>
    public static async Task<string> KustomizeAsync(string folder)
    {
        var startInfo = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(MissingMessage))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        startInfo.ArgumentList.Add("kustomize");
        startInfo.ArgumentList.Add(folder);
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {folder} did not finish within 2 minutes.");
        }
        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {folder} exited with {process.ExitCode}: {errors}");
        }
        return output;
    }
}

/// <summary>
/// A theory that needs kubectl: reported as skipped, with <see cref="Kubectl.MissingMessage"/> as the reason,
/// when kubectl is not on PATH (xunit 2 has no dynamic skip; the reason is decided at discovery).
/// </summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (Kubectl.Executable is null)
        {
            Skip = Kubectl.MissingMessage;
            Console.Error.WriteLine(Kubectl.MissingMessage);
        }
    }
}
