using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Xunit;

namespace Complaints.TestSupport;

/// <summary>A caller of the authorisation-table tests: its roles (and a partner's scopes) and its relation to the case under test.</summary>
public sealed record Principal(string Name, string Subject, string[] Roles, bool Handler = false, bool QueueSupervisor = false, bool Reader = false, string[]? Scopes = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// What <see cref="StaffOperations"/> says should happen when a principal calls an operation on a case: the tests
/// compute it from the table (roles, then the need-to-know rule, then the case scope) and prove it against the
/// running service. Every case is assigned to the handler, in a queue the queue supervisor supervises.
/// </summary>
public static class AuthorizationTable
{
    /// <summary>The configured reader role the tests' hosts give (Confidentiality:ReaderRoles).</summary>
    public const string ReaderRole = "compliance";

    public static readonly Principal[] Principals =
    [
        new("handler", "authz-handler", [Roles.Agent], Handler: true),
        new("colleague", "authz-colleague", [Roles.Agent]),
        new("queue-supervisor", "authz-lead", [Roles.Agent], QueueSupervisor: true),
        new("supervisor", "authz-boss", [Roles.Supervisor]),
        new("admin", "authz-root", [Roles.Admin]),
        new("reader", "authz-auditor", [Roles.Agent, ReaderRole], Reader: true),
        new("analyst", "authz-analyst", [Roles.Analyst]),
        new("partner", "authz-partner", [Roles.Partner]),
    ];

    public static Principal Named(string name) => Principals.Single(p => p.Name == name);

    /// <summary>A partner whose token grants every partner scope: it must still pass no staff operation.</summary>
    public static readonly Principal PartnerWithEveryScope = new("partner-every-scope", "authz-partner-all", [Roles.Partner], Scopes: PartnerScopes.All);

    /// <summary>The "scope" claim of <paramref name="p"/>'s token, for <see cref="TestIssuer.Token"/>; null without scopes.</summary>
    public static Dictionary<string, object>? Claims(Principal p) =>
        p.Scopes is { Length: > 0 } scopes ? new() { ["scope"] = string.Join(' ', scopes) } : null;

    /// <summary>Every (operation, principal, confidential) of the given services, for xunit's MemberData.</summary>
    public static TheoryData<string, string, bool> Rows(params string[] services)
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var op in StaffOperations.All.Where(o => services.Contains(o.Service)))
        {
            foreach (var p in Principals)
            {
                data.Add(op.Method, p.Name, false);
                data.Add(op.Method, p.Name, true);
            }
        }
        return data;
    }

    public static StaffOperation Operation(string method) => StaffOperations.All.Single(o => o.Method == method);

    public static bool MaySee(Principal p, bool confidential) =>
        !confidential || p.Roles.Contains(Roles.Admin) || p.Reader || p.Handler || p.QueueSupervisor;

    /// <summary>OK, or the status the table says the call is refused with.</summary>
    public static StatusCode Expected(StaffOperation op, Principal p, bool confidential)
    {
        // A partner token is judged by its scopes alone (StaffOperation.Admits).
        var admitted = p.Roles.Contains(Roles.Partner)
            ? op.PartnerScope is { } scope && (p.Scopes ?? []).Contains(scope)
            : op.Public || op.Roles.Any(p.Roles.Contains);
        if (!admitted)
        {
            // Complainants' path: without a role the table names, the caller must prove the complaint with its token.
            return op.Complainant ? StatusCode.NotFound : StatusCode.PermissionDenied;
        }
        if (op.Scope != CaseScope.None && !MaySee(p, confidential))
        {
            return StatusCode.NotFound;
        }
        var supervisor = p.Roles.Contains(Roles.Admin) || p.Roles.Contains(Roles.Supervisor) || p.QueueSupervisor;
        return op.Scope switch
        {
            CaseScope.Handler when !p.Handler && !supervisor => StatusCode.PermissionDenied,
            CaseScope.Supervisor when !supervisor => StatusCode.PermissionDenied,
            _ => StatusCode.OK,
        };
    }
}
