namespace Complaints.Import.Tests;

/// <summary>The 60 real CFPB rows of tests/Data/cfpb-sample-60.csv, copied next to the test assembly.</summary>
internal static class SampleData
{
    public static readonly string Path = System.IO.Path.Combine(AppContext.BaseDirectory, "Data", "cfpb-sample-60.csv");

    private static readonly Lazy<IReadOnlyList<CfpbCsvRecord>> All = new(() => CfpbCsv.ReadFile(Path).ToList());

    public static IReadOnlyList<CfpbCsvRecord> Records => All.Value;

    public static CfpbRow Row(string complaintId) => Records.Single(r => r.Row.ComplaintId == complaintId).Row;

    public static string Text() => File.ReadAllText(Path);

    /// <summary>How a value appears in an RFC 4180 file when quoted.</summary>
    public static string Quoted(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A folder under the system temp folder, deleted with everything in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("import-tests-").FullName;

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
