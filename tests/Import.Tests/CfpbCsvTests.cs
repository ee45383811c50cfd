namespace Complaints.Import.Tests;

public class CfpbCsvTests
{
    private const string Header =
        "Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,Company public response,Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,Date sent to company,Company response to consumer,Timely response?,Consumer disputed?,Complaint ID";

    [Fact]
    public void ReadFile_Sample60_Returns60WellFormedRecords()
    {
        var records = SampleData.Records;

        Assert.Equal(60, records.Count);
        Assert.Equal(Enumerable.Range(0, 60), records.Select(r => r.Index));
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.All(records, r => Assert.Matches("^[0-9]+$", r.Row.ComplaintId));
        Assert.Equal(60, records.Select(r => r.Row.ComplaintId).Distinct().Count());
    }

    [Fact]
    public void ReadFile_Sample60_FirstRecordHasEveryColumn()
    {
        var first = SampleData.Records[0].Row;

        Assert.Equal(new CfpbRow
        {
            DateReceived = "2020-08-07",
            Product = "Credit card or prepaid card",
            SubProduct = "Government benefit card",
            Issue = "Trouble using the card",
            SubIssue = "Problem adding money",
            ConsumerComplaintNarrative = "",
            CompanyPublicResponse = "Company has responded to the consumer and the CFPB and chooses not to provide a public response",
            Company = "U.S. BANCORP",
            State = "PA",
            ZipCode = "19141",
            Tags = "",
            ConsumerConsentProvided = "",
            SubmittedVia = "Referral",
            DateSentToCompany = "2020-08-11",
            CompanyResponseToConsumer = "Closed with explanation",
            TimelyResponse = "Yes",
            ConsumerDisputed = "",
            ComplaintId = "3790251",
        }, first);
    }

    [Fact]
    public void ReadFile_Sample60_SeveralRowsHaveNarratives()
    {
        Assert.Equal(17, SampleData.Records.Count(r => r.Row.ConsumerComplaintNarrative.Length > 0));
    }

    [Fact]
    public void ReadFile_QuotedNarrativeWithCommasAndNewlines_RoundTripsExactly()
    {
        var narrative = SampleData.Row("8402609").ConsumerComplaintNarrative;

        Assert.Contains(',', narrative);
        Assert.Contains('\n', narrative);
        Assert.StartsWith("In accordance with the Fair Credit Reporting act. The List of accounts below has violated", narrative);
        Assert.Contains("under 15 USC 1681. \n\nXXXX XXXX, XXXX", narrative);
        Assert.EndsWith("has reasonable cause to believe that the information is inaccurate.", narrative);
        // Exactly the field as written in the file: unquoted, nothing trimmed or normalised.
        Assert.Contains("," + SampleData.Quoted(narrative) + ",", SampleData.Text());
        Assert.Equal(narrative, CfpbRowMapper.Map(SampleData.Row("8402609")).Request!.Complaint.Description);
    }

    [Fact]
    public void ReadFile_ShortMultiLineNarrative_ReadsExactValue()
    {
        Assert.Equal("All Monies reported to be refunded. \nAll Monies to be returned.", SampleData.Row("11766191").ConsumerComplaintNarrative);
    }

    [Fact]
    public void ReadFile_EveryQuotedNarrative_AppearsQuotedInFile()
    {
        var text = SampleData.Text();
        var withSpecials = SampleData.Records.Select(r => r.Row.ConsumerComplaintNarrative)
            .Where(n => n.IndexOfAny([',', '\n', '"']) >= 0).ToList();

        Assert.NotEmpty(withSpecials);
        Assert.All(withSpecials, n => Assert.Contains(SampleData.Quoted(n), text));
    }

    [Fact]
    public void ReadFile_MultiLineRecords_LineIsWhereTheRecordStarts()
    {
        // Line 1 is the header; each record takes one line plus the line breaks inside its quoted fields.
        var expected = 2;
        foreach (var record in SampleData.Records)
        {
            Assert.Equal(expected, record.Line);
            expected += 1 + Fields(record.Row).Sum(f => f.Count(c => c == '\n'));
        }
        Assert.Equal(File.ReadAllText(SampleData.Path).Count(c => c == '\n') + 1, expected);
    }

    [Fact]
    public void ReadFile_Utf8ByteOrderMark_FirstColumnStillFound()
    {
        using var temp = new TempDirectory();
        var path = System.IO.Path.Combine(temp.Path, "bom.csv");
        File.WriteAllText(path, Header + "\r\n" + Record() + "\r\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var record = Assert.Single(CfpbCsv.ReadFile(path));

        Assert.Equal("2024-01-02", record.Row.DateReceived);
        Assert.Equal(1, CfpbCsv.CountRecords(path));
    }

    [Fact]
    public void CountRecords_Sample60_Is60()
    {
        Assert.Equal(60, CfpbCsv.CountRecords(SampleData.Path));
    }

    [Fact]
    public void Read_CommasQuotesAndLineBreaksInQuotedField_ReturnsExactValue()
    {
        var narrative = "First, \"quoted\" line,\r\nsecond line\nthird,, line ";
        var csv = Header + "\r\n" + Record(narrative: SampleData.Quoted(narrative)) + "\r\n";

        var record = Assert.Single(CfpbCsv.Read(new StringReader(csv)));

        Assert.Null(record.Error);
        Assert.Equal(narrative, record.Row.ConsumerComplaintNarrative);
        Assert.Equal("123", record.Row.ComplaintId);
        Assert.Equal("Web", record.Row.SubmittedVia);
    }

    [Fact]
    public void Read_ColumnsInOtherOrderWithExtraColumn_MapsByName()
    {
        var csv = "Complaint ID,Extra," + Header.Replace(",Complaint ID", "", StringComparison.Ordinal) + "\n"
            + "77,ignored,2024-01-02,Debt collection,,Attempts to collect debt not owed,,,,ACME,CA,90001,,,Phone,2024-01-03,Closed with explanation,Yes,\n";

        var record = Assert.Single(CfpbCsv.Read(new StringReader(csv)));

        Assert.Null(record.Error);
        Assert.Equal("77", record.Row.ComplaintId);
        Assert.Equal("2024-01-02", record.Row.DateReceived);
        Assert.Equal("Phone", record.Row.SubmittedVia);
        Assert.Equal("90001", record.Row.ZipCode);
    }

    [Fact]
    public void Read_HeaderWithoutComplaintId_ThrowsNamingTheColumn()
    {
        var csv = Header.Replace(",Complaint ID", "", StringComparison.Ordinal) + "\n";

        var error = Assert.Throws<InvalidDataException>(() => CfpbCsv.Read(new StringReader(csv)).ToList());

        Assert.Contains("\"Complaint ID\"", error.Message);
    }

    [Fact]
    public void Read_EmptyInput_Throws()
    {
        Assert.Throws<InvalidDataException>(() => CfpbCsv.Read(new StringReader("")).ToList());
    }

    [Fact]
    public void Read_RecordWithTooFewFields_HasError()
    {
        var csv = Header + "\n" + Record() + "\n" + "2024-01-02,Debt collection,only three\n" + Record(id: "124") + "\n";

        var records = CfpbCsv.Read(new StringReader(csv)).ToList();

        Assert.Equal(3, records.Count);
        Assert.Null(records[0].Error);
        Assert.Contains("3 fields, expected 18", records[1].Error);
        Assert.Null(records[2].Error);
        Assert.Equal("124", records[2].Row.ComplaintId);
    }

    [Fact]
    public void Read_StrayQuoteInUnquotedField_HasError()
    {
        var csv = Header + "\n" + Record(narrative: "he said \"no\" twice") + "\n" + Record(id: "124") + "\n";

        var records = CfpbCsv.Read(new StringReader(csv)).ToList();

        Assert.Equal(2, records.Count);
        Assert.StartsWith("malformed CSV record", records[0].Error);
        Assert.Null(records[1].Error);
    }

    private static string Record(string narrative = "", string id = "123") =>
        $"2024-01-02,Debt collection,I do not know,Attempts to collect debt not owed,Debt is not yours,{narrative},,ACME,CA,90001,,,Web,2024-01-03,Closed with explanation,Yes,,{id}";

    private static IEnumerable<string> Fields(CfpbRow r) =>
    [
        r.DateReceived, r.Product, r.SubProduct, r.Issue, r.SubIssue, r.ConsumerComplaintNarrative, r.CompanyPublicResponse,
        r.Company, r.State, r.ZipCode, r.Tags, r.ConsumerConsentProvided, r.SubmittedVia, r.DateSentToCompany,
        r.CompanyResponseToConsumer, r.TimelyResponse, r.ConsumerDisputed, r.ComplaintId,
    ];
}
