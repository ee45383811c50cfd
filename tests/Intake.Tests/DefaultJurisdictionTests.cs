using Complaints.Common.V1;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>Intake whose organisation is under the FCA (<c>Intake:DefaultJurisdiction</c> in its short form).</summary>
public sealed class FcaIntakeFixture : IDisposable
{
    public IntakeFactory Factory { get; } = new(new Dictionary<string, string?> { ["Intake:DefaultJurisdiction"] = "uk_fca" });

    public void Dispose() => Factory.Dispose();
}

/// <summary>A submission that names no jurisdiction gets the organisation's, so its statutory clock runs.</summary>
public sealed class DefaultJurisdictionTests(FcaIntakeFixture fixture) : IClassFixture<FcaIntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private Task<ComplaintReceived> ReceivedAsync(string complaintId) => _intake.WithDb(async db =>
        ComplaintReceived.Parser.ParseFrom((await db.Events.SingleAsync(e => e.AggregateId == complaintId)).Payload));

    [Fact]
    public async Task SubmitComplaint_NoJurisdiction_DefaultOnRecordAndEvent()
    {
        var request = ValidationTests.ValidRequest();
        request.Jurisdiction = Jurisdiction.Unspecified;

        var response = await _intake.Public().SubmitComplaintAsync(request);

        Assert.Equal(Jurisdiction.UkFca, (await ReceivedAsync(response.ComplaintId)).Jurisdiction);
        Assert.Equal((int)Jurisdiction.UkFca, await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == response.Reference).Select(c => c.Jurisdiction).SingleAsync()));
    }

    [Fact]
    public async Task SubmitComplaint_JurisdictionGiven_KeptOverTheDefault()
    {
        var request = ValidationTests.ValidRequest();
        request.Jurisdiction = Jurisdiction.AuAsic;

        var response = await _intake.Public().SubmitComplaintAsync(request);

        Assert.Equal(Jurisdiction.AuAsic, (await ReceivedAsync(response.ComplaintId)).Jurisdiction);
    }

    [Fact]
    public async Task SubmitComplaint_NoJurisdictionRetried_SameComplaint()
    {
        var request = ValidationTests.ValidRequest();
        request.Jurisdiction = Jurisdiction.Unspecified;

        var first = await _intake.Public().SubmitComplaintAsync(request);
        var again = await _intake.Public().SubmitComplaintAsync(request);

        Assert.Equal(first.Reference, again.Reference);
    }

    [Theory]
    [InlineData("UK_FCA", Jurisdiction.UkFca)]
    [InlineData("JURISDICTION_EU_PSD2", Jurisdiction.EuPsd2)]
    [InlineData(" us_cfpb ", Jurisdiction.UsCfpb)]
    [InlineData("", Jurisdiction.Unspecified)]
    [InlineData("JURISDICTION_UNSPECIFIED", Jurisdiction.Unspecified)]
    public void ParseJurisdiction_ProtoNameWithOrWithoutPrefix_Parsed(string text, Jurisdiction expected)
    {
        Assert.True(IntakeOptions.ParseJurisdiction(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Start_UnknownDefaultJurisdiction_FailsNamingTheSettingAndTheChoices()
    {
        using var factory = new IntakeFactory(new Dictionary<string, string?> { ["Intake:DefaultJurisdiction"] = "UK-FCA" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Intake:DefaultJurisdiction is 'UK-FCA', which is not a jurisdiction", error.ToString());
        Assert.Contains("UK_FCA, EU_PSD2, US_CFPB, AU_ASIC", error.ToString());
    }
}

/// <summary>Without <c>Intake:DefaultJurisdiction</c> a submission without a jurisdiction has none, as before.</summary>
public sealed class NoDefaultJurisdictionTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    [Fact]
    public async Task SubmitComplaint_NoJurisdictionNoDefault_Unspecified()
    {
        var request = ValidationTests.ValidRequest();
        request.Jurisdiction = Jurisdiction.Unspecified;

        var response = await fixture.Factory.Public().SubmitComplaintAsync(request);

        var stored = await fixture.Factory.WithDb(db => db.Events.SingleAsync(e => e.AggregateId == response.ComplaintId));
        Assert.Equal(Jurisdiction.Unspecified, ComplaintReceived.Parser.ParseFrom(stored.Payload).Jurisdiction);
    }
}
