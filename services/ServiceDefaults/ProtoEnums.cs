using Google.Protobuf.Reflection;

namespace Complaints.ServiceDefaults;

public static class ProtoEnums
{
    /// <summary>The proto name of an enum value (e.g. CHANNEL_WEB), as REST clients and reports see it.</summary>
    public static string Name<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(OriginalNameAttribute), false)
            .OfType<OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();
}
