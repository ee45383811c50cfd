using System.Globalization;

namespace Complaints.Import;

/// <summary>A rejected row. <paramref name="Index"/> is the row's data-record index in the file (from 0), <paramref name="Line"/> its first line.</summary>
public sealed record RowRejection(int Index, int Line, string? SourceId, string Reason, bool ByServer);

/// <summary>What an import did, and how it prints.</summary>
public sealed class ImportReport
{
    public int Rows { get; set; }
    public int Sent { get; set; }
    public int Imported { get; set; }
    public int Duplicates { get; set; }
    public int ServerRejected { get; set; }
    public List<RowRejection> Rejections { get; } = [];

    /// <summary>Rows the CLI could not map plus rows the server rejected.</summary>
    public int Rejected => Rejections.Count(r => !r.ByServer) + ServerRejected;

    public int ExitCode => Rejected == 0 ? ExitCodes.Ok : ExitCodes.Rejected;

    public void Write(TextWriter output, bool dryRun)
    {
        output.WriteLine(dryRun
            ? string.Create(CultureInfo.InvariantCulture, $"dry run: {Rows} rows read, {Sent} would be sent, rejected {Rejected}")
            : string.Create(CultureInfo.InvariantCulture, $"imported {Imported}, skipped as duplicate {Duplicates}, rejected {Rejected}"));
        foreach (var r in Rejections.OrderBy(r => r.Index))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  rejected row {r.Index} (line {r.Line}) {r.SourceId ?? "(no source id)"}: {r.Reason}"));
        }
        var unlisted = ServerRejected - Rejections.Count(r => r.ByServer);
        if (unlisted > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ... and {unlisted} more rejected by the server, not listed"));
        }
    }
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Rejected = 1;
    public const int UsageOrConnection = 2;
}
