using System.Security.Claims;

namespace Complaints.Routing.Directory;

public static class StaffClaims
{
    /// <summary>The caller's staff id: the token subject ("sub"; tokens are read without claim mapping).</summary>
    public static string? StaffId(this ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
}
