using Complaints.Common.V1;
using Complaints.Routing.Domain;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Routing.Tests.CaseWork;

public sealed class CaseStateMachineTests
{
    private static readonly CaseStatus[] All = Enum.GetValues<CaseStatus>().Where(s => s != CaseStatus.Unspecified).ToArray();

    // The lifecycle as the issue and the docs describe it, written out independently of the implementation's table.
    private static readonly HashSet<(CaseStatus, CaseStatus)> Legal =
    [
        (CaseStatus.Received, CaseStatus.Acknowledged), (CaseStatus.Received, CaseStatus.InInvestigation),
        (CaseStatus.Received, CaseStatus.AwaitingComplainant), (CaseStatus.Received, CaseStatus.Closed),
        (CaseStatus.Acknowledged, CaseStatus.InInvestigation), (CaseStatus.Acknowledged, CaseStatus.AwaitingComplainant),
        (CaseStatus.Acknowledged, CaseStatus.ResolutionProposed), (CaseStatus.Acknowledged, CaseStatus.Closed),
        (CaseStatus.InInvestigation, CaseStatus.AwaitingComplainant), (CaseStatus.InInvestigation, CaseStatus.ResolutionProposed),
        (CaseStatus.InInvestigation, CaseStatus.Closed),
        (CaseStatus.AwaitingComplainant, CaseStatus.InInvestigation), (CaseStatus.AwaitingComplainant, CaseStatus.Closed),
        (CaseStatus.ResolutionProposed, CaseStatus.InInvestigation), (CaseStatus.ResolutionProposed, CaseStatus.AwaitingComplainant),
        (CaseStatus.ResolutionProposed, CaseStatus.ResolutionProposed), (CaseStatus.ResolutionProposed, CaseStatus.Resolved),
        (CaseStatus.ResolutionProposed, CaseStatus.Closed),
        (CaseStatus.Resolved, CaseStatus.Closed), (CaseStatus.Resolved, CaseStatus.Reopened),
        (CaseStatus.Closed, CaseStatus.Reopened),
        (CaseStatus.Reopened, CaseStatus.InInvestigation), (CaseStatus.Reopened, CaseStatus.AwaitingComplainant),
        (CaseStatus.Reopened, CaseStatus.ResolutionProposed), (CaseStatus.Reopened, CaseStatus.Closed),
    ];

    public static TheoryData<CaseStatus, CaseStatus> Pairs()
    {
        var data = new TheoryData<CaseStatus, CaseStatus>();
        foreach (var from in All)
        {
            foreach (var to in All)
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Ensure_EveryPair_LegalPassesIllegalNamesAllowedSources(CaseStatus from, CaseStatus to)
    {
        if (Legal.Contains((from, to)))
        {
            CaseStateMachine.Ensure(from, to, "move");
            Assert.True(CaseStateMachine.CanMove(from, to));
            return;
        }
        var error = Assert.Throws<PreconditionException>(() => CaseStateMachine.Ensure(from, to, "move"));
        var sources = Legal.Where(p => p.Item2 == to).Select(p => p.Item1).ToList();
        Assert.All(sources, s => Assert.Contains(Complaints.ServiceDefaults.ProtoEnums.Name(s), error.Message));
    }

    [Fact]
    public void IsOpen_TerminalStates_False()
    {
        Assert.False(CaseStateMachine.IsOpen(CaseStatus.Resolved));
        Assert.False(CaseStateMachine.IsOpen(CaseStatus.Closed));
        Assert.True(CaseStateMachine.IsOpen(CaseStatus.Reopened));
        Assert.True(CaseStateMachine.IsOpen(CaseStatus.AwaitingComplainant));
    }
}
