namespace Complaints.Import;

/// <summary>
/// One record of the CFPB Consumer Complaint Database CSV export (18 columns), as text: nothing is
/// parsed or trimmed here, so the mapper sees exactly what the file holds.
/// </summary>
public sealed record CfpbRow
{
    public string DateReceived { get; init; } = string.Empty;
    public string Product { get; init; } = string.Empty;
    public string SubProduct { get; init; } = string.Empty;
    public string Issue { get; init; } = string.Empty;
    public string SubIssue { get; init; } = string.Empty;
    public string ConsumerComplaintNarrative { get; init; } = string.Empty;
    public string CompanyPublicResponse { get; init; } = string.Empty;
    public string Company { get; init; } = string.Empty;
    public string State { get; init; } = string.Empty;
    public string ZipCode { get; init; } = string.Empty;
    public string Tags { get; init; } = string.Empty;
    public string ConsumerConsentProvided { get; init; } = string.Empty;
    public string SubmittedVia { get; init; } = string.Empty;
    public string DateSentToCompany { get; init; } = string.Empty;
    public string CompanyResponseToConsumer { get; init; } = string.Empty;
    public string TimelyResponse { get; init; } = string.Empty;
    public string ConsumerDisputed { get; init; } = string.Empty;
    public string ComplaintId { get; init; } = string.Empty;
}

/// <summary>A CSV record with where it came from: <paramref name="Index"/> counts data records from 0
/// (the header is not one), <paramref name="Line"/> is the file line the record starts on (from 1).
/// <paramref name="Error"/> is set when the record itself is malformed (bad quoting, wrong field count).</summary>
public sealed record CfpbCsvRecord(int Index, int Line, CfpbRow Row, string? Error);
