namespace Complaints.Import;

/// <param name="ProgressEvery">Print "sent N/total" to stderr every this many rows.</param>
public sealed record ImportOptions(string File, Uri? Target, string? Token, bool OpenAll, int ProgressEvery, bool DryRun)
{
    public const int DefaultProgressEvery = 100;

    public const string TokenVariable = "COMPLAINTS_TOKEN";
}
