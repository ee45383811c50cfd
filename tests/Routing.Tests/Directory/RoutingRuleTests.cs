using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;

namespace Complaints.Routing.Tests.Directory;

public sealed class RoutingRuleTests : IDisposable
{
    private readonly DirectoryTestKit _kit = new();

    private static RoutingRule Rule(string queue, Action<RoutingRule>? set = null)
    {
        var r = new RoutingRule { Name = "to " + queue, QueueId = queue };
        set?.Invoke(r);
        return r;
    }

    [Fact]
    public void Matches_EachCondition_MustHold()
    {
        var c = DirectoryTestKit.NewCase(category: "billing", language: "ko-KR", severity: Severity.High, channel: Channel.Phone,
            jurisdiction: Jurisdiction.EuPsd2, kind: ComplainantKind.Member);

        Assert.True(RoutingRuleMatcher.Matches(Rule("q"), c));
        Assert.True(RoutingRuleMatcher.Matches(Rule("q", r => r.Categories.Add("BILLING")), c));
        Assert.False(RoutingRuleMatcher.Matches(Rule("q", r => r.Categories.Add("privacy")), c));
        Assert.True(RoutingRuleMatcher.Matches(Rule("q", r => r.Channels.AddRange([Channel.Web, Channel.Phone])), c));
        Assert.False(RoutingRuleMatcher.Matches(Rule("q", r => r.Channels.Add(Channel.Web)), c));
        Assert.True(RoutingRuleMatcher.Matches(Rule("q", r => r.Jurisdictions.Add(Jurisdiction.EuPsd2)), c));
        Assert.False(RoutingRuleMatcher.Matches(Rule("q", r => r.Jurisdictions.Add(Jurisdiction.UkFca)), c));
        Assert.True(RoutingRuleMatcher.Matches(Rule("q", r => r.MinSeverity = Severity.High), c));
        Assert.False(RoutingRuleMatcher.Matches(Rule("q", r => r.MinSeverity = Severity.Critical), c));
        Assert.True(RoutingRuleMatcher.Matches(Rule("q", r => r.ComplainantKinds.Add(ComplainantKind.Member)), c));
        Assert.False(RoutingRuleMatcher.Matches(Rule("q", r => r.ComplainantKinds.Add(ComplainantKind.Anonymous)), c));
        Assert.False(RoutingRuleMatcher.Matches(Rule("q", r => { r.Categories.Add("billing"); r.Channels.Add(Channel.Email); }), c));
    }

    [Theory]
    [InlineData("ko", "ko-KR", true)]
    [InlineData("ko", "ko", true)]
    [InlineData("KO", "ko-kr", true)]
    [InlineData("ko-KR", "ko-KR", true)]
    [InlineData("ko", "kok", false)]
    [InlineData("ko-KR", "ko", false)]
    [InlineData("bg", "en-GB", false)]
    public void LanguagePrefix_SubtagBoundary(string prefix, string tag, bool expected)
    {
        Assert.Equal(expected, RoutingRuleMatcher.LanguagePrefix(prefix, tag));
    }

    [Fact]
    public async Task RouteAsync_NoRules_DefaultQueueGeneral()
    {
        var c = await _kit.RouteAsync(DirectoryTestKit.NewCase());

        Assert.Equal("general", c.QueueId);
        Assert.Null(c.AssigneeId);
    }

    [Fact]
    public async Task RouteAsync_FirstMatchWins_InOrder()
    {
        await _kit.QueueAsync("fraud");
        await _kit.QueueAsync("korean");
        await _kit.QueueAsync("urgent");
        await _kit.RulesAsync(new RoutingRules
        {
            DefaultQueueId = "general",
            Rules =
            {
                Rule("korean", r => r.Languages.Add("ko")),
                Rule("urgent", r => r.MinSeverity = Severity.High),
                Rule("fraud", r => r.Categories.Add("fraud")),
            },
        });

        var korean = await _kit.RouteAsync(DirectoryTestKit.NewCase(category: "fraud", language: "ko-KR", severity: Severity.Critical));
        var urgent = await _kit.RouteAsync(DirectoryTestKit.NewCase(category: "fraud", language: "en", severity: Severity.High));
        var fraud = await _kit.RouteAsync(DirectoryTestKit.NewCase(category: "fraud", language: "en", severity: Severity.Low));
        var other = await _kit.RouteAsync(DirectoryTestKit.NewCase(category: "billing", language: "bg"));

        Assert.Equal(["korean", "urgent", "fraud", "general"], new[] { korean, urgent, fraud, other }.Select(c => c.QueueId));
    }

    [Fact]
    public async Task RouteAsync_RuleContact_OverridesQueueContact()
    {
        await _kit.AgentAsync("contact-q", queues: "");
        await _kit.AgentAsync("contact-rule", queues: "");
        await _kit.QueueAsync("vip", designatedContact: "contact-q");
        await _kit.RulesAsync(new RoutingRules
        {
            DefaultQueueId = "vip",
            Rules = { Rule("vip", r => { r.Channels.Add(Channel.Phone); r.DesignatedContactId = "contact-rule"; }) },
        });

        var byRule = await _kit.RouteAsync(DirectoryTestKit.NewCase(channel: Channel.Phone));
        var byDefault = await _kit.RouteAsync(DirectoryTestKit.NewCase(channel: Channel.Web));

        Assert.Equal(("vip", "contact-rule"), (byRule.QueueId, byRule.DesignatedContactId));
        Assert.Equal(("vip", "contact-q"), (byDefault.QueueId, byDefault.DesignatedContactId));
    }

    public void Dispose() => _kit.Dispose();
}
