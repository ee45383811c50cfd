using Complaints.ServiceDefaults.Security;

namespace Complaints.Intake.Security;

/// <summary>Intake's secrets, from configuration only (<c>Intake:MasterKey</c>, <c>Intake:TrackingKey</c>: base64, 32 bytes).</summary>
public sealed record KeyMaterial(byte[] MasterKey, byte[] TrackingKey)
{
    public static KeyMaterial From(IConfiguration configuration) =>
        new(Read(configuration, "Intake:MasterKey"), Read(configuration, "Intake:TrackingKey"));

    private static byte[] Read(IConfiguration configuration, string key) => SealedBox.ReadKey(configuration, key);
}
