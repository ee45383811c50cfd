using Complaints.Common.V1;
using Complaints.Intake.V1;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Import.Tests;

public class CfpbRowMapperTests
{
    private const string NeutralPrefix = "Imported from the CFPB database without a narrative: ";

    [Fact]
    public void Map_EverySampleRow_MapsWithoutError()
    {
        var mapped = SampleData.Records.Select(r => CfpbRowMapper.Map(r.Row)).ToList();

        Assert.All(mapped, m => Assert.True(m.IsValid, m.Error));
        Assert.All(mapped, m => Assert.Null(m.Error));
    }

    [Fact]
    public void Map_SampleRow_SetsEveryField()
    {
        var request = CfpbRowMapper.Map(SampleData.Row("3790251")).Request!;

        var expected = new ImportComplaintRequest
        {
            SourceId = "cfpb:3790251",
            ReceivedAt = Timestamp.FromDateTime(new DateTime(2020, 8, 7, 0, 0, 0, DateTimeKind.Utc)),
            Outcome = "Closed with explanation",
            Open = false,
            Complaint = new SubmitComplaintRequest
            {
                IdempotencyKey = "cfpb:3790251",
                Channel = Channel.Referral,
                Category = "Credit card or prepaid card",
                Subcategory = "Trouble using the card",
                Subject = "Trouble using the card — Problem adding money",
                Description = NeutralPrefix + "Credit card or prepaid card / Government benefit card / Trouble using the card / Problem adding money.",
                Jurisdiction = Jurisdiction.UsCfpb,
                ComplainantKind = ComplainantKind.Anonymous,
            },
        };
        Assert.Equal(expected, request);
    }

    [Theory]
    [InlineData("9052609", Channel.Web)]
    [InlineData("3790251", Channel.Referral)]
    [InlineData("7145112", Channel.Phone)]
    public void Map_ChannelPresentInSample_MapsToChannel(string complaintId, Channel expected)
    {
        Assert.Equal(expected, CfpbRowMapper.Map(SampleData.Row(complaintId)).Request!.Complaint.Channel);
    }

    [Fact]
    public void Map_SampleChannels_AreAllKnown()
    {
        var present = SampleData.Records.Select(r => r.Row.SubmittedVia).Distinct().Order().ToList();

        Assert.Equal(["Phone", "Referral", "Web"], present);
        Assert.All(SampleData.Records, r => Assert.Equal(CfpbRowMapper.Channels[r.Row.SubmittedVia], CfpbRowMapper.Map(r.Row).Request!.Complaint.Channel));
    }

    [Theory]
    [InlineData("Web", Channel.Web)]
    [InlineData("Referral", Channel.Referral)]
    [InlineData("Phone", Channel.Phone)]
    [InlineData("Postal mail", Channel.PostalMail)]
    [InlineData("Fax", Channel.PostalMail)]
    [InlineData("Email", Channel.Email)]
    [InlineData(" postal MAIL ", Channel.PostalMail)]
    public void Map_SubmittedVia_MapsToChannel(string submittedVia, Channel expected)
    {
        var row = SampleData.Row("9052609") with { SubmittedVia = submittedVia };

        Assert.Equal(expected, CfpbRowMapper.Map(row).Request!.Complaint.Channel);
    }

    [Theory]
    [InlineData("Carrier pigeon")]
    [InlineData("In person")]
    public void Map_UnknownSubmittedVia_ErrorNamesColumnAndValue(string submittedVia)
    {
        var mapped = CfpbRowMapper.Map(SampleData.Row("9052609") with { SubmittedVia = submittedVia });

        Assert.False(mapped.IsValid);
        Assert.Null(mapped.Request);
        Assert.StartsWith("Submitted via:", mapped.Error);
        Assert.Contains($"\"{submittedVia}\"", mapped.Error);
        Assert.Equal("cfpb:9052609", mapped.SourceId);
    }

    [Fact]
    public void Map_EmptySubmittedVia_ErrorNamesColumn()
    {
        var mapped = CfpbRowMapper.Map(SampleData.Row("9052609") with { SubmittedVia = "" });

        Assert.Equal("Submitted via: is required", mapped.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Map_MissingComplaintId_ErrorWithoutSourceId(string complaintId)
    {
        var mapped = CfpbRowMapper.Map(SampleData.Row("9052609") with { ComplaintId = complaintId });

        Assert.False(mapped.IsValid);
        Assert.Equal("Complaint ID: is required", mapped.Error);
        Assert.Null(mapped.SourceId);
    }

    [Fact]
    public void Map_ComplaintIdWithSpaces_Error()
    {
        var mapped = CfpbRowMapper.Map(SampleData.Row("9052609") with { ComplaintId = "12 34" });

        Assert.StartsWith("Complaint ID: \"12 34\"", mapped.Error);
    }

    [Fact]
    public void Map_MissingDateReceived_Error()
    {
        var mapped = CfpbRowMapper.Map(SampleData.Row("9052609") with { DateReceived = "" });

        Assert.False(mapped.IsValid);
        Assert.Equal("Date received: is required", mapped.Error);
        Assert.Equal("cfpb:9052609", mapped.SourceId);
    }

    [Theory]
    [InlineData("2024-13-01")]
    [InlineData("21/05/2024")]
    [InlineData("yesterday")]
    public void Map_UnparseableDateReceived_ErrorNamesColumn(string date)
    {
        var mapped = CfpbRowMapper.Map(SampleData.Row("9052609") with { DateReceived = date });

        Assert.Equal($"Date received: \"{date}\" is not a date (yyyy-MM-dd or MM/dd/yyyy)", mapped.Error);
    }

    [Fact]
    public void Map_SeveralProblems_ErrorNamesEach()
    {
        var mapped = CfpbRowMapper.Map(new CfpbRow { SubmittedVia = "Telegram" });

        Assert.Equal(
            "Complaint ID: is required; Date received: is required; Submitted via: \"Telegram\" is not a known channel "
            + "(one of Web, Referral, Phone, Postal mail, Fax, Email); Product: is required; Issue: is required",
            mapped.Error);
    }

    [Theory]
    [InlineData("2024-05-21")]
    [InlineData("05/21/2024")]
    [InlineData("5/21/2024")]
    public void Map_DateReceived_IsMidnightUtc(string date)
    {
        var request = CfpbRowMapper.Map(SampleData.Row("9052609") with { DateReceived = date }).Request!;

        Assert.Equal(new DateTimeOffset(2024, 5, 21, 0, 0, 0, TimeSpan.Zero), request.ReceivedAt.ToDateTimeOffset());
        Assert.Equal(0, request.ReceivedAt.Nanos);
    }

    [Fact]
    public void Map_SampleRows_ReceivedAtIsDateReceived()
    {
        Assert.All(SampleData.Records, r => Assert.Equal(
            r.Row.DateReceived + "T00:00:00Z",
            CfpbRowMapper.Map(r.Row).Request!.ReceivedAt.ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Map_CategoryAndSubcategory_AreProductAndIssue()
    {
        Assert.All(SampleData.Records, r =>
        {
            var complaint = CfpbRowMapper.Map(r.Row).Request!.Complaint;
            Assert.Equal(r.Row.Product, complaint.Category);
            Assert.Equal(r.Row.Issue, complaint.Subcategory);
        });
    }

    [Fact]
    public void Map_SubIssuePresent_SubjectIsIssueDashSubIssue()
    {
        var subject = CfpbRowMapper.Map(SampleData.Row("9224135")).Request!.Complaint.Subject;

        Assert.Equal("Problem with a company's investigation into an existing problem — Their investigation did not fix an error on your report", subject);
    }

    [Fact]
    public void Map_NoSubIssue_SubjectIsIssue()
    {
        var row = SampleData.Row("7145112");

        Assert.Equal("", row.SubIssue);
        Assert.Equal(row.Issue, CfpbRowMapper.Map(row).Request!.Complaint.Subject);
    }

    [Fact]
    public void Map_LongIssueAndSubIssue_SubjectTruncatedTo200()
    {
        var row = SampleData.Row("9224135") with { SubIssue = string.Concat(Enumerable.Repeat("Their investigation did not fix an error. ", 10)) };
        var expected = (row.Issue + " — " + row.SubIssue)[..200];

        var subject = CfpbRowMapper.Map(row).Request!.Complaint.Subject;

        Assert.Equal(200, subject.Length);
        Assert.Equal(expected, subject);
    }

    [Fact]
    public void Map_SubjectOfExactly200_KeptWhole()
    {
        var row = SampleData.Row("7145112") with { Issue = new string('x', 200) };

        Assert.Equal(new string('x', 200), CfpbRowMapper.Map(row).Request!.Complaint.Subject);
    }

    [Fact]
    public void Map_SampleSubjects_AtMost200()
    {
        Assert.All(SampleData.Records, r => Assert.InRange(CfpbRowMapper.Map(r.Row).Request!.Complaint.Subject.Length, 1, 200));
    }

    [Fact]
    public void Truncate_SurrogatePairAtLimit_NotSplit()
    {
        var value = new string('a', 199) + "😀" + "b";

        var truncated = CfpbRowMapper.Truncate(value, 200);

        Assert.Equal(new string('a', 199), truncated);
    }

    [Fact]
    public void Map_RowsWithNarrative_DescriptionIsNarrativeExactly()
    {
        var withNarrative = SampleData.Records.Where(r => r.Row.ConsumerComplaintNarrative.Length > 0).ToList();

        Assert.Equal(17, withNarrative.Count);
        Assert.All(withNarrative, r => Assert.Equal(r.Row.ConsumerComplaintNarrative, CfpbRowMapper.Map(r.Row).Request!.Complaint.Description));
    }

    [Fact]
    public void Map_RowsWithoutNarrative_GetNeutralDescription()
    {
        var without = SampleData.Records.Where(r => r.Row.ConsumerComplaintNarrative.Length == 0).ToList();

        Assert.Equal(43, without.Count);
        Assert.All(without, r =>
        {
            var description = CfpbRowMapper.Map(r.Row).Request!.Complaint.Description;
            var parts = new[] { r.Row.Product, r.Row.SubProduct, r.Row.Issue, r.Row.SubIssue }.Where(p => p.Length > 0);
            Assert.Equal(NeutralPrefix + string.Join(" / ", parts) + ".", description);
        });
    }

    [Fact]
    public void Map_NoNarrativeAndNoSubIssue_NeutralDescriptionNamesOnlyPartsPresent()
    {
        var description = CfpbRowMapper.Map(SampleData.Row("7145112")).Request!.Complaint.Description;

        Assert.Equal(NeutralPrefix + "Mortgage / Conventional home mortgage / Trouble during payment process.", description);
    }

    [Fact]
    public void Map_WhitespaceOnlyNarrative_GetsNeutralDescription()
    {
        var description = CfpbRowMapper.Map(SampleData.Row("7145112") with { ConsumerComplaintNarrative = " \n " }).Request!.Complaint.Description;

        Assert.StartsWith(NeutralPrefix, description);
    }

    [Fact]
    public void Map_NarrativeOver20000_TruncatedTo20000()
    {
        var narrative = string.Concat(Enumerable.Repeat("I was charged twice, and nobody answered.\n", 600));
        var row = SampleData.Row("7145112") with { ConsumerComplaintNarrative = narrative };

        var description = CfpbRowMapper.Map(row).Request!.Complaint.Description;

        Assert.Equal(20_000, description.Length);
        Assert.Equal(narrative[..20_000], description);
    }

    [Fact]
    public void Map_InProgressResponse_IsOpen()
    {
        var row = SampleData.Row("19210878");

        Assert.Equal("In progress", row.CompanyResponseToConsumer);
        var request = CfpbRowMapper.Map(row).Request!;
        Assert.True(request.Open);
        Assert.Equal("In progress", request.Outcome);
    }

    [Fact]
    public void Map_ClosedResponses_AreNotOpen()
    {
        var closed = SampleData.Records.Where(r => r.Row.CompanyResponseToConsumer != "In progress").ToList();

        Assert.Equal(59, closed.Count);
        Assert.All(closed, r => Assert.False(CfpbRowMapper.Map(r.Row).Request!.Open));
        Assert.All(closed, r => Assert.Equal(r.Row.CompanyResponseToConsumer, CfpbRowMapper.Map(r.Row).Request!.Outcome));
    }

    [Fact]
    public void Map_OpenAll_EveryRowIsOpen()
    {
        Assert.All(SampleData.Records, r => Assert.True(CfpbRowMapper.Map(r.Row, openAll: true).Request!.Open));
    }

    [Fact]
    public async Task Map_OpenFlagOnCommandLine_ClosedRowIsOpen()
    {
        ImportOptions? parsed = null;
        await ImportCommandLine.InvokeAsync(["--file", SampleData.Path, "--dry-run", "--open"], o => Task.FromResult((parsed = o) is null ? 1 : 0), TextWriter.Null, TextWriter.Null);
        var options = Assert.IsType<ImportOptions>(parsed);
        var row = SampleData.Row("3790251");

        Assert.True(options.OpenAll);
        Assert.False(CfpbRowMapper.Map(row).Request!.Open);
        Assert.True(CfpbRowMapper.Map(row, options.OpenAll).Request!.Open);
    }

    [Fact]
    public void Map_AnyRow_SendsNoStateOrZipCode()
    {
        Assert.All(SampleData.Records, r =>
        {
            Assert.NotEmpty(r.Row.ZipCode);
            var request = CfpbRowMapper.Map(r.Row).Request!;
            Assert.DoesNotContain(r.Row.ZipCode, request.ToString());
            Assert.DoesNotContain(r.Row.ZipCode, request.Complaint.ToString());
        });
    }

    [Fact]
    public void Map_AnyRow_IsAnonymousUnderCfpbWithoutCompanyData()
    {
        Assert.All(SampleData.Records, r =>
        {
            var request = CfpbRowMapper.Map(r.Row).Request!;
            Assert.Null(request.Complaint.Complainant);
            Assert.Null(request.Complaint.Representative);
            Assert.Equal(ComplainantKind.Anonymous, request.Complaint.ComplainantKind);
            Assert.Equal(Jurisdiction.UsCfpb, request.Complaint.Jurisdiction);
            Assert.DoesNotContain(r.Row.Company, request.ToString());
        });
    }

    [Fact]
    public void Map_AnyRow_SourceIdAndIdempotencyKeyAreCfpbComplaintId()
    {
        Assert.All(SampleData.Records, r =>
        {
            var mapped = CfpbRowMapper.Map(r.Row);
            Assert.Equal("cfpb:" + r.Row.ComplaintId, mapped.SourceId);
            Assert.Equal(mapped.SourceId, mapped.Request!.SourceId);
            Assert.Equal(mapped.SourceId, mapped.Request.Complaint.IdempotencyKey);
        });
    }

    [Fact]
    public void Map_SameRowTwice_GivesEqualRequests()
    {
        // Re-importing a file must send the same content, or the server reports a conflict instead of a duplicate.
        Assert.All(SampleData.Records, r => Assert.Equal(CfpbRowMapper.Map(r.Row).Request, CfpbRowMapper.Map(r.Row).Request));
    }

    [Fact]
    public void Map_FieldsWithSurroundingSpaces_Trimmed()
    {
        var row = SampleData.Row("3790251") with
        {
            ComplaintId = " 3790251 ",
            Product = " Credit card or prepaid card ",
            Issue = "Trouble using the card ",
            CompanyResponseToConsumer = " In progress ",
        };

        var request = CfpbRowMapper.Map(row).Request!;

        Assert.Equal("cfpb:3790251", request.SourceId);
        Assert.Equal("Credit card or prepaid card", request.Complaint.Category);
        Assert.Equal("Trouble using the card", request.Complaint.Subcategory);
        Assert.True(request.Open);
    }
}
