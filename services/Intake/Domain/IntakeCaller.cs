using System.Security.Claims;
using Complaints.ServiceDefaults.Auth;

namespace Complaints.Intake.Domain;

/// <summary>
/// Who brings a complaint in, from the token: the source its idempotency keys are unique in, the receiver recorded on
/// it, and the partner that owns it (a partner token's subject; null for the public and for staff).
/// </summary>
public sealed record IntakeCaller(string Source, string? Subject, string? PartnerId)
{
    public static readonly IntakeCaller Public = new("public", null, null);

    /// <summary>A submission: the public, or the token's subject (a partner's keys never collide with the public's).</summary>
    public static IntakeCaller Submitting(ClaimsPrincipal user) =>
        SubjectOf(user) is { } subject ? new("sub:" + subject, subject, PartnerOf(user, subject)) : Public;

    /// <summary>
    /// An import: source ids are unique per source system. Staff imports share one scope (any admin re-running a file
    /// creates nothing new); each partner system has its own.
    /// </summary>
    public static IntakeCaller Importing(ClaimsPrincipal user)
    {
        var subject = SubjectOf(user) ?? "unknown";
        return PartnerOf(user, subject) is { } partner
            ? new("import:partner:" + partner, subject, partner)
            : new("import:staff", subject, null);
    }

    /// <summary>The partner that owns what this caller brings in or reads: a partner token's subject.</summary>
    public static string? PartnerOf(ClaimsPrincipal user) => SubjectOf(user) is { } subject ? PartnerOf(user, subject) : null;

    private static string? PartnerOf(ClaimsPrincipal user, string subject) => user.IsInRole(Roles.Partner) ? subject : null;

    private static string? SubjectOf(ClaimsPrincipal user) => user.FindFirst("sub")?.Value is { Length: > 0 } subject ? subject : null;
}
