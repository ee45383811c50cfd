using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Launcher;

/// <summary>
/// The local run's keys, kept in <c>{data}/local-secrets.json</c> (mode 600): generated on first use, reused afterwards,
/// never in the repository. Each is base64 of 32 random bytes. <see cref="ServiceClients"/> holds each service's client
/// secret at the identity provider, which registers them as the only clients with the service role;
/// <see cref="ConsoleClientSecret"/> the staff console's (a web client, with no role of its own).
/// </summary>
public sealed record LocalSecrets(
    string TrackingKey, string MasterKey, string RoutingMasterKey, string IdentityEncryptionKey, Dictionary<string, string>? ServiceClients,
    string? WebKeyEncryptionKey = null, string? ConsoleClientSecret = null)
{
    /// <summary>The services that call others with their own token (Identity signs its own and calls no one).</summary>
    public static readonly string[] ServiceClientNames =
        [PlatformComponents.Intake, PlatformComponents.Routing, PlatformComponents.Notifications, PlatformComponents.Insights];

    public const string FileName = "local-secrets.json";
    private const int KeyBytes = 32;

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    public static LocalSecrets Generate() => new(NewKey(), NewKey(), NewKey(), NewKey(), ServiceClientNames.ToDictionary(n => n, _ => NewKey()), NewKey(), NewKey());

    /// <summary>A service's client secret.</summary>
    public string ServiceClientSecret(string service) => ServiceClients![service];

    /// <summary>Reads the secrets file in the data folder, creating it (or filling missing keys) when needed.</summary>
    public static LocalSecrets LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = PathIn(dataDirectory);
        for (var attempt = 0; ; attempt++)
        {
            if (File.Exists(path))
            {
                var stored = JsonSerializer.Deserialize(File.ReadAllText(path), LocalSecretsJson.Default.LocalSecrets);
                var complete = new LocalSecrets(
                    Valid(stored?.TrackingKey) ?? NewKey(),
                    Valid(stored?.MasterKey) ?? NewKey(),
                    Valid(stored?.RoutingMasterKey) ?? NewKey(),
                    Valid(stored?.IdentityEncryptionKey) ?? NewKey(),
                    ServiceClientNames.ToDictionary(n => n, n => Valid(stored?.ServiceClients?.GetValueOrDefault(n)) ?? NewKey()),
                    Valid(stored?.WebKeyEncryptionKey) ?? NewKey(),
                    Valid(stored?.ConsoleClientSecret) ?? NewKey());
                if (stored is null || complete with { ServiceClients = null } != stored with { ServiceClients = null }
                    || !complete.ServiceClients!.All(c => stored.ServiceClients?.GetValueOrDefault(c.Key) == c.Value))
                {
                    Write(path, complete, overwrite: true);
                }
                RestrictPermissions(path);
                return complete;
            }
            var created = Generate();
            try
            {
                Write(path, created, overwrite: false);
                return created;
            }
            catch (IOException) when (attempt == 0 && File.Exists(path))
            {
                // Another launcher created it first: read theirs.
            }
        }
    }

    /// <summary>
    /// The identity provider's local RSA signing key, <c>{data}/identity-signing.pem</c> (mode 600), made on first use:
    /// the launcher runs Identity as in Production, which signs only with configured keys.
    /// </summary>
    public static string IdentitySigningKeyFile(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "identity-signing.pem");
        SecretFiles.ReadOrCreate(path, () =>
        {
            using var rsa = RSA.Create(2048);
            return rsa.ExportPkcs8PrivateKeyPem();
        });
        return path;
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    private static string? Valid(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }
        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key, buffer, out var length) && length >= KeyBytes ? key : null;
    }

    private static void Write(string path, LocalSecrets secrets, bool overwrite)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, secrets, LocalSecretsJson.Default.LocalSecrets);
        }
        RestrictPermissions(path);
    }

    private static void RestrictPermissions(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}

/// <summary>Source-generated (reflection-free) JSON for the secrets file.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(LocalSecrets))]
internal sealed partial class LocalSecretsJson : JsonSerializerContext;
