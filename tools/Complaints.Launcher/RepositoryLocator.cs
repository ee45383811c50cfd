namespace Complaints.Launcher;

/// <summary>Finds the repository root: the nearest folder holding Complaints.sln.</summary>
public static class RepositoryLocator
{
    public const string SolutionFile = "Complaints.sln";

    /// <summary>Walks up from the current directory, then from the launcher's own folder.</summary>
    public static string FindRoot()
    {
        return TryFindFrom(Directory.GetCurrentDirectory())
            ?? TryFindFrom(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException(
                $"Cannot find {SolutionFile} above '{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}'.");
    }

    public static string? TryFindFrom(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
