namespace Complaints.Launcher;

/// <summary>The dotnet host (muxer) that runs the built assemblies and the build.</summary>
public static class DotnetHost
{
    public static string Find()
    {
        // Set by `dotnet run` and MSBuild to the muxer in use.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        // Started as `dotnet Complaints.Launcher.dll`: this very process is the muxer.
        if (Environment.ProcessPath is { } self
            && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root)
        {
            var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return "dotnet"; // From PATH.
    }
}
