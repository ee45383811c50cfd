using System.Text;
using CsvHelper;

namespace Complaints.Import;

/// <summary>
/// Reads the CFPB export with CsvHelper in RFC 4180 mode: quoted fields may hold commas, doubled quotes and
/// line breaks (narratives often do), and field values are returned exactly as written, untrimmed.
/// </summary>
public static class CfpbCsv
{
    /// <summary>The export's columns, in its order. All must be in the header (matched by name, ignoring case
    /// and surrounding whitespace; order and extra columns do not matter).</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
        "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
        "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
        "Consumer disputed?", "Complaint ID",
    ];

    /// <summary>The largest record read (UTF-8 bytes); CFPB narratives are a few KiB at most.</summary>
    public const int MaxRecordBytes = 4 * 1024 * 1024;

    /// <summary>The records of a file, streamed. Throws <see cref="InvalidDataException"/> when the header lacks a column.</summary>
    public static IEnumerable<CfpbCsvRecord> ReadFile(string path)
    {
        // A StreamReader rather than CsvReader.FromFile: it drops a UTF-8 byte order mark, which would
        // otherwise stay in the first header name.
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        foreach (var record in Read(text))
        {
            yield return record;
        }
    }

    /// <summary>How many data records a file holds (a cheap first pass, for progress). Also checks the header,
    /// so a wrong file fails before anything is sent.</summary>
    public static int CountRecords(string path)
    {
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = CsvReader.Create(text, Options(null), leaveOpen: false);
        ColumnIndexes(csv);
        var count = 0;
        while (csv.Read())
        {
            count++;
        }
        return count;
    }

    /// <summary>The records of CSV text, streamed; the reader is left open.</summary>
    public static IEnumerable<CfpbCsvRecord> Read(TextReader text)
    {
        // Malformed quoting is recovered (the record is still returned) and reported here, by the line it starts on.
        var malformed = new Dictionary<long, CsvMalformedReason>();
        using var csv = CsvReader.Create(text, Options(r => malformed.TryAdd(r.LineNumber, r.Reason)), leaveOpen: true);
        var columns = ColumnIndexes(csv);
        var expectedFields = csv.Headers.Count;
        var index = 0;
        while (csv.Read())
        {
            var row = new CfpbRow
            {
                DateReceived = csv.GetString(columns[0]),
                Product = csv.GetString(columns[1]),
                SubProduct = csv.GetString(columns[2]),
                Issue = csv.GetString(columns[3]),
                SubIssue = csv.GetString(columns[4]),
                ConsumerComplaintNarrative = csv.GetString(columns[5]),
                CompanyPublicResponse = csv.GetString(columns[6]),
                Company = csv.GetString(columns[7]),
                State = csv.GetString(columns[8]),
                ZipCode = csv.GetString(columns[9]),
                Tags = csv.GetString(columns[10]),
                ConsumerConsentProvided = csv.GetString(columns[11]),
                SubmittedVia = csv.GetString(columns[12]),
                DateSentToCompany = csv.GetString(columns[13]),
                CompanyResponseToConsumer = csv.GetString(columns[14]),
                TimelyResponse = csv.GetString(columns[15]),
                ConsumerDisputed = csv.GetString(columns[16]),
                ComplaintId = csv.GetString(columns[17]),
            };
            var line = (int)csv.LineNumber;
            string? error = null;
            if (malformed.Remove(csv.LineNumber, out var reason))
            {
                error = $"malformed CSV record ({Describe(reason)})";
            }
            else if (csv.FieldCount != expectedFields)
            {
                error = $"malformed CSV record: {csv.FieldCount} fields, expected {expectedFields}";
            }
            yield return new CfpbCsvRecord(index++, line, row, error);
        }
    }

    private static int[] ColumnIndexes(CsvReader csv)
    {
        csv.ReadHeader();
        if (csv.Headers.Count == 0)
        {
            throw new InvalidDataException("the file is empty: expected the CFPB header line.");
        }
        var indexes = new int[Columns.Count];
        var missing = new List<string>();
        for (var i = 0; i < Columns.Count; i++)
        {
            if (!csv.TryGetFieldIndex(Columns[i], out indexes[i]))
            {
                missing.Add($"\"{Columns[i]}\"");
            }
        }
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"not a CFPB export: the header lacks {string.Join(", ", missing)}.");
        }
        return indexes;
    }

    private static CsvReaderOptions Options(Action<CsvMalformedRecord>? onMalformed) => new()
    {
        Separator = ',',
        DetectSeparatorHint = false,
        HasHeader = true,
        Mode = CsvMode.Rfc4180,
        AllowLineBreaksInQuotes = true,
        TrimWhitespace = false,
        SkipEmptyLines = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Recover,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        OnMalformedRecord = onMalformed,
        // An unclosed quote would otherwise swallow the rest of the file into one record (up to 2 GiB).
        MaxRecordSize = MaxRecordBytes,
    };

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside a field that is not quoted",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed",
        CsvMalformedReason.LineBreakInQuotes => "a line break inside quotes",
        CsvMalformedReason.FieldCountMismatch => "wrong number of fields",
        _ => reason.ToString(),
    };
}
