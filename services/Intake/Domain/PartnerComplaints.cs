using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Complaints.Intake.Data;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>
/// A partner's own complaints, the ones it submitted or imported with a partner token (<see cref="ComplaintRecord.PartnerId"/>):
/// listed newest first a page at a time, and tracked with the complainant's view. Any other complaint does not exist
/// for it. Confidential complaints it filed are its own too: it knows them already, and the view holds no contact data
/// and no staff notes.
/// </summary>
public sealed class PartnerComplaints(IntakeDbContext db, ComplaintTracking tracking)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public async Task<ListPartnerComplaintsResponse> ListAsync(ListPartnerComplaintsRequest request, string partnerId, CancellationToken ct)
    {
        var v = new Validator();
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        if (size is < 1 or > MaxPageSize)
        {
            v.Add("pageSize", $"must be between 1 and {MaxPageSize} (0 means {DefaultPageSize})");
        }
        var after = PageToken.Parse(request.PageToken, v);
        DateTimeOffset? receivedAfter = null;
        if (request.ReceivedAfter is { } since)
        {
            if (since.Nanos is < 0 or > 999_999_999 || since.Seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || since.Seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 1)
            {
                v.Add("receivedAfter", "must be a valid time");
            }
            else
            {
                receivedAfter = since.ToDateTimeOffset();
            }
        }
        v.ThrowIfInvalid();

        var query = db.Complaints.AsNoTracking().Where(c => c.PartnerId == partnerId);
        if (receivedAfter is { } from)
        {
            query = query.Where(c => c.ReceivedAt > from);
        }
        if (after is { } position)
        {
            // Keyset paging: strictly after the last complaint of the previous page in the list's order, so a complaint
            // received meanwhile neither shifts the pages nor appears twice.
            query = query.Where(c => c.ReceivedAt < position.ReceivedAt
                || (c.ReceivedAt == position.ReceivedAt && string.Compare(c.Reference, position.Reference) < 0));
        }
        var rows = await query
            .OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.Reference)
            .Take(size + 1)
            .Select(c => new { c.Id, c.Reference, c.ReceivedAt, c.Category, c.Subcategory, c.Channel, c.Confidential, c.Imported, c.IdempotencyKey })
            .ToListAsync(ct);

        var response = new ListPartnerComplaintsResponse();
        response.Complaints.AddRange(rows.Take(size).Select(c => new PartnerComplaintSummary
        {
            Reference = c.Reference,
            ComplaintId = c.Id.ToString(),
            ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
            Category = c.Category,
            Subcategory = c.Subcategory ?? string.Empty,
            Channel = (Common.V1.Channel)c.Channel,
            Confidential = c.Confidential,
            Imported = c.Imported,
            PartnerKey = c.IdempotencyKey,
        }));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = new PageToken(last.ReceivedAt, last.Reference).ToString();
        }
        return response;
    }

    public async Task<GetPartnerComplaintResponse> GetAsync(string? reference, string partnerId, CancellationToken ct) =>
        new() { Complaint = await tracking.TrackForPartnerAsync(reference, partnerId, ct) };

    /// <summary>Where a page ends: the last complaint's received time and reference. Opaque to the partner (base64url).</summary>
    private sealed record PageToken(DateTimeOffset ReceivedAt, string Reference)
    {
        private const string Version = "p1";

        public override string ToString() =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}|{ReceivedAt.UtcTicks}|{Reference}")));

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
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    && ticks <= DateTimeOffset.MaxValue.UtcTicks && parts[2].Length is > 0 and <= 20)
                {
                    return new PageToken(new DateTimeOffset(ticks, TimeSpan.Zero), parts[2]);
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
