using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Launcher;

/// <summary>
/// The local run's first admin: at the first start with Identity, the launcher runs Identity's one-time bootstrap
/// (<c>Identity:BootstrapAdmin</c>) and keeps the account and its one-time password in <c>{data}/local-admin.json</c>
/// (mode 600) to print them. A deployment bootstraps its own admin; nothing here has a default password.
/// </summary>
public sealed partial record LocalAdmin(string Subject, string Password)
{
    public const string FileName = "local-admin.json";
    public const string DefaultSubject = "admin";

    public static async Task<LocalAdmin?> EnsureAsync(string dataDirectory, Func<ProcessStartInfo> identity, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<LocalAdmin>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        }
        var start = identity();
        start.Environment["Identity__BootstrapAdmin"] = DefaultSubject;
        start.Environment["Identity__BootstrapAdminEmail"] = "admin@localhost.localdomain";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Identity's bootstrap did not start.");
        // A cancelled start stops the bootstrap too: left running, it would race the next start's own bootstrap.
        await using (cancellationToken.Register(() => Kill(process)))
        {
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var stdout = await process.StandardOutput.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return Read(path, process.ExitCode, await stderr.ConfigureAwait(false) + stdout);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    /// <summary>The bootstrap's answer: the admin it made (kept in the data folder), none when one existed already.</summary>
    private static LocalAdmin? Read(string path, int exitCode, string output)
    {
        if (exitCode != 0)
        {
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            throw new PlatformStartException(PlatformComponents.Identity, $"its admin bootstrap failed (exit code {exitCode})", lines[^Math.Min(40, lines.Length)..]);
        }
        if (PasswordLine().Match(output) is not { Success: true } created)
        {
            return null; // An admin existed already (its password was shown when it was made).
        }
        var admin = new LocalAdmin(created.Groups["subject"].Value, created.Groups["password"].Value);
        SecretFiles.ReadOrCreate(path, () => JsonSerializer.Serialize(admin));
        return admin;
    }

    [GeneratedRegex(@"Admin account (?<subject>\S+) created\. Its password, shown only now: (?<password>\S+)")]
    private static partial Regex PasswordLine();
}
