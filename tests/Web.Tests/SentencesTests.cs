using System.Globalization;
using Complaints.Intake.V1;
using Complaints.Web.Portal;
using Complaints.Web.Portal.Follow;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Complaints.Web.Tests;

/// <summary>A Bulgarian date ends with "г.": at the end of a sentence that period is the full stop, never "г..".</summary>
public sealed class SentencesTests : IClassFixture<SentencesTests.Host>
{
    private static readonly DateOnly Day = new(2027, 2, 1);

    private readonly WebHost _web;

    public SentencesTests(Host host) => _web = host.Web;

    public sealed class Host : IDisposable
    {
        public WebHost Web { get; } = new();

        public void Dispose() => Web.Dispose();
    }

    [Theory]
    [InlineData("AckDue")]
    [InlineData("AckDone")]
    [InlineData("FinalDue")]
    [InlineData("ResolveAim")]
    [InlineData("RequestDue")]
    public void Format_BulgarianDayEndsTheSentence_OneFullStop(string key) => InBulgarian(services =>
    {
        var words = services.GetRequiredService<FollowWords>();
        var day = services.GetRequiredService<PortalDates>().Day(Day);

        var sentence = words.Format(key, day);

        Assert.EndsWith("2027 г.", sentence);
        Assert.DoesNotContain("..", sentence);
    });

    [Fact]
    public void Format_BulgarianMomentEndsTheSentence_FullStopKept() => InBulgarian(services =>
    {
        var words = services.GetRequiredService<FollowWords>();
        var moment = services.GetRequiredService<PortalDates>().Moment(new DateTimeOffset(2027, 2, 1, 14, 5, 0, TimeSpan.Zero), "Europe/Sofia");

        Assert.EndsWith("(Europe/Sofia).", words.Format("AckDue", moment));
    });

    [Theory]
    [InlineData("case.opened", "resolve_by")]
    [InlineData("information.requested", "information_due")]
    [InlineData("deadline.extended", "final_response_due")]
    [InlineData("deadline.renewed", "final_response_due")]
    public void Entry_BulgarianCodeDetailEndingWithADay_OneFullStop(string code, string parameter) => InBulgarian(services =>
    {
        var entry = new TimelineEntry { Code = code, Title = "t", Detail = "d", At = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) };
        entry.Parameters[parameter] = "2027-02-01T00:00:00Z";
        entry.Parameters[parameter + "_date"] = "2027-02-01";

        var sentence = services.GetRequiredService<FollowWords>().Entry(entry, "Europe/Sofia").Sentence;

        Assert.NotNull(sentence);
        Assert.EndsWith("2027 г.", sentence);
        Assert.DoesNotContain("..", sentence);
    });

    [Fact]
    public void NextStep_BulgarianAnswerRequestByADay_OneFullStop() => InBulgarian(services =>
    {
        var view = new TrackComplaintResponse { NextStepCode = "next.answer_request", NextStep = "English" };
        view.NextStepParameters["information_due"] = "2027-02-01T00:00:00Z";
        view.NextStepParameters["information_due_date"] = "2027-02-01";

        var sentence = services.GetRequiredService<FollowWords>().NextStep(view);

        Assert.EndsWith("2027 г.", sentence);
        Assert.DoesNotContain("..", sentence);
    });

    [Fact]
    public void Format_BulgarianRespondedOnADay_OneFullStop() => InBulgarian(services =>
    {
        var texts = services.GetRequiredService<IStringLocalizer<FeedbackTexts>>();
        var day = services.GetRequiredService<PortalDates>().Day(Day);

        var sentence = Sentences.Format(texts["RespondedOn"], day);

        Assert.EndsWith("2027 г.", sentence);
        Assert.DoesNotContain("..", sentence);
    });

    [Fact]
    public void Fill_ValueWithoutPeriod_PatternsFullStopKept()
    {
        Assert.Equal("Due by Monday 1 February 2027.", Sentences.Fill("Due by {due}.", _ => "Monday 1 February 2027"));
        Assert.Null(Sentences.Fill("Due by {due}.", _ => null));
    }

    private void InBulgarian(Action<IServiceProvider> test)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("bg");
        try
        {
            using var scope = _web.Services.CreateScope();
            test(scope.ServiceProvider);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}
