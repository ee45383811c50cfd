namespace Complaints.Intake.Security;

/// <summary>Intake's secrets, from configuration only (<c>Intake:MasterKey</c>, <c>Intake:TrackingKey</c>: base64, 32 bytes).</summary>
public sealed record KeyMaterial(byte[] MasterKey, byte[] TrackingKey)
{
    public static KeyMaterial From(IConfiguration configuration) =>
        new(Read(configuration, "Intake:MasterKey"), Read(configuration, "Intake:TrackingKey"));

    private static byte[] Read(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{key} is not configured (base64 of 32 random bytes). The local launcher generates one.");
        }
        var bytes = Convert.FromBase64String(value);
        if (bytes.Length != 32)
        {
            throw new InvalidOperationException($"{key} must be 32 bytes.");
        }
        return bytes;
    }
}
