using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Complaints.Intake.Data;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>
/// One complaint's access audit for a supervisor of its case (<see cref="StaffOperations.ListAccessAudit"/>): every
/// entry recorded against the complaint, newest first, a page at a time.
/// </summary>
public sealed class AccessAuditLog(IntakeDbContext db, IntakeAccess access)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public async Task<ListAccessAuditResponse> ListAsync(ListAccessAuditRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validator();
        if (string.IsNullOrWhiteSpace(request.Reference))
        {
            v.Add("reference", "is required");
        }
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        if (size is < 1 or > MaxPageSize)
        {
            v.Add("pageSize", $"must be between 1 and {MaxPageSize} (0 means {DefaultPageSize})");
        }
        var after = PageToken.Parse(request.PageToken, v);
        v.ThrowIfInvalid();

        var normalized = ReferenceGenerator.Normalize(request.Reference);
        var viewer = await access.ViewerAsync(user, ct);
        var complaint = IntakeAccess.Visible(await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Reference == normalized, ct), viewer, normalized);
        viewer.EnsureMayAct(StaffOperations.ListAccessAudit, complaint);

        var query = db.AccessAudit.AsNoTracking().Where(a => a.ComplaintId == complaint.Id);
        if (after is { } position)
        {
            // Keyset paging: strictly older than the previous page's last entry, so entries written meanwhile (newer)
            // neither shift the pages nor repeat one.
            query = query.Where(a => a.At < position.At || (a.At == position.At && a.Id < position.Id));
        }
        var rows = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(size + 1).ToListAsync(ct);

        var response = new ListAccessAuditResponse { Reference = complaint.Reference };
        response.Entries.AddRange(rows.Take(size).Select(a =>
        {
            var entry = new AccessAuditEntry
            {
                At = Timestamp.FromDateTimeOffset(a.At),
                Actor = a.Actor,
                Action = a.Action,
                AttachmentId = a.AttachmentId?.ToString() ?? string.Empty,
                Purpose = a.Purpose ?? string.Empty,
                ResultCount = a.ResultCount ?? 0,
            };
            entry.Roles.AddRange(a.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries));
            return entry;
        }));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = new PageToken(last.At, last.Id).ToString();
        }
        return response;
    }

    /// <summary>Where a page ends: the last entry's time and id. Opaque to the caller (base64url).</summary>
    private sealed record PageToken(DateTimeOffset At, long Id)
    {
        private const string Version = "a1";

        public override string ToString() =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}|{At.UtcTicks}|{Id}")));

        public static PageToken? Parse(string? token, Validator v)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
                if (parts.Length == 3 && parts[0] == Version
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
                    && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    return new PageToken(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                }
            }
            catch (FormatException)
            {
                // Reported below, as any other token that is not one of this list's.
            }
            v.Add("pageToken", "is not a page token of this list: pass the nextPageToken of the previous page, or none for the first page");
            return null;
        }
    }
}
