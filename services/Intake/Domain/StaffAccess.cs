using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>Staff search and contact reads, each recorded in the access audit with actor, time and purpose.</summary>
public sealed class StaffAccess(
    IntakeDbContext db,
    IntakeAccess access,
    BlindIndex blindIndex,
    FieldProtector protector,
    IOptions<IntakeOptions> options,
    TimeProvider clock)
{
    public const int MaxResults = 200;

    public async Task<SearchComplaintsResponse> SearchAsync(string? email, string? phone, ClaimsPrincipal user, CancellationToken ct)
    {
        var emailIndex = blindIndex.Email(email);
        var phoneIndex = blindIndex.Phone(phone);
        if (emailIndex is null && phoneIndex is null)
        {
            throw new ValidationException("email", "give an email or a phone number to search for");
        }
        var viewer = await access.ViewerAsync(user, ct);
        // Confidential complaints outside the caller's circle are not found, so they are neither listed nor linked as duplicates.
        var found = await db.Complaints.AsNoTracking()
            .VisibleTo(viewer)
            .Where(c => (emailIndex != null && c.EmailIndex == emailIndex) || (phoneIndex != null && c.PhoneIndex == phoneIndex))
            .OrderByDescending(c => c.ReceivedAt)
            .Take(MaxResults)
            .Select(c => new { c.Id, c.Reference, c.ReceivedAt, c.Category, c.Channel, c.Confidential })
            .ToListAsync(ct);

        var response = new SearchComplaintsResponse();
        var window = options.Value.DuplicateWindow;
        foreach (var c in found)
        {
            var summary = new ComplaintSummary
            {
                ComplaintId = c.Id.ToString(),
                Reference = c.Reference,
                ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
                Category = c.Category,
                Channel = (Common.V1.Channel)c.Channel,
                Confidential = c.Confidential,
            };
            // Same complainant, same category, shortly before: linked for staff to judge, never dropped.
            summary.PossibleDuplicateOf.AddRange(found
                .Where(o => o.Id != c.Id && o.Category == c.Category && o.ReceivedAt < c.ReceivedAt && c.ReceivedAt - o.ReceivedAt <= window)
                .Select(o => o.Reference));
            response.Complaints.Add(summary);
        }
        // One row per complaint found, so "who looked this person up" can be answered per complaint.
        db.AccessAudit.Add(AccessAudit.By(user, "search", null, null, clock.GetUtcNow(), found.Count));
        db.AccessAudit.AddRange(found.Select(c => AccessAudit.By(user, "search-hit", c.Id, null, clock.GetUtcNow())));
        await db.SaveChangesAsync(ct);
        return response;
    }

    public async Task<GetComplaintContactResponse> ContactAsync(string? reference, string? purpose, ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validator();
        var why = v.Text("purpose", purpose?.Trim(), 3, 500, allowNewlines: false);
        RequireReference(v, reference);
        v.ThrowIfInvalid();
        var (c, _) = await FindVisibleAsync(reference, user, ct);
        if (c.ErasedAt is { } erasedAt)
        {
            throw new PreconditionException($"The complainant's data of {c.Reference} was erased on {erasedAt:yyyy-MM-dd}.");
        }

        var fields = protector.Open(c);
        string Open(byte[]? cipher, string field) => fields.Read(cipher, field) ?? string.Empty;
        var response = new GetComplaintContactResponse
        {
            Reference = c.Reference,
            ComplainantKind = (ComplainantKind)c.ComplainantKind,
            Name = Open(c.NameCipher, "name"),
            Email = Open(c.EmailCipher, "email"),
            Phone = Open(c.PhoneCipher, "phone"),
            MemberNumber = Open(c.MemberNumberCipher, "memberNumber"),
            PreferredLanguage = c.PreferredLanguage,
            TimeZone = c.TimeZone ?? string.Empty,
            PreferredContactChannel = (PreferredContactChannel)c.PreferredContactChannel,
            PostalAddress = Open(c.PostalAddressCipher, "postalAddress"),
        };
        if (c.RepresentativeCipher is not null && JsonSerializer.Deserialize<ValidRepresentative>(Open(c.RepresentativeCipher, "representative")) is { } rep)
        {
            response.Representative = new Representative
            {
                Name = rep.Name,
                Organisation = rep.Organisation ?? string.Empty,
                Email = rep.Email ?? string.Empty,
                Phone = rep.Phone ?? string.Empty,
                Authority = rep.Authority,
            };
        }
        db.AccessAudit.Add(AccessAudit.By(user, "read-contact", c.Id, why, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return response;
    }

    /// <summary>
    /// The complaint's words, metadata and documents for staff (never its contact data), audited as a contact read is.
    /// The purpose is optional here: reading the complaint is the handler's daily work; the contact data needs a reason.
    /// </summary>
    public async Task<GetComplaintForStaffResponse> ReadAsync(string? reference, string? purpose, ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validator();
        var why = string.IsNullOrWhiteSpace(purpose) ? null : v.Text("purpose", purpose.Trim(), 3, 500, allowNewlines: false);
        RequireReference(v, reference);
        v.ThrowIfInvalid();
        var (c, viewer) = await FindVisibleAsync(reference, user, ct);

        var response = new GetComplaintForStaffResponse
        {
            Reference = c.Reference,
            ComplaintId = c.Id.ToString(),
            Category = c.Category,
            Subcategory = c.Subcategory ?? string.Empty,
            Channel = (Common.V1.Channel)c.Channel,
            Jurisdiction = (Common.V1.Jurisdiction)c.Jurisdiction,
            PreferredLanguage = c.PreferredLanguage,
            ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
            Confidential = c.Confidential,
            ComplainantKind = (ComplainantKind)c.ComplainantKind,
            EventDate = c.EventDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty,
            Imported = c.Imported,
            Merged = c.MergedIntoId is not null,
        };
        if (c.AmountInDispute is { } amount && c.Currency is { } currency)
        {
            response.AmountInDispute = new Money { Amount = FormatAmount(amount, currency), Currency = currency };
        }
        if (c.MergedIntoId is { } primaryId
            && await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.Id == primaryId, ct) is { } primary && viewer.MaySee(primary))
        {
            // Confidential complaints merge only with confidential ones; a primary outside the reader's circle stays unnamed.
            response.MergedIntoReference = primary.Reference;
        }
        var documents = 0;
        if (c.ErasedAt is { } erasedAt)
        {
            // The data key is destroyed and the documents deleted: what remains is the non-personal record.
            response.ErasedAt = Timestamp.FromDateTimeOffset(erasedAt);
        }
        else
        {
            var fields = protector.Open(c);
            response.Subject = fields.Read(c.SubjectCipher, "subject") ?? string.Empty;
            response.Description = fields.Read(c.DescriptionCipher, "description") ?? string.Empty;
            response.RemedySought = fields.Read(c.RemedySoughtCipher, "remedySought") ?? string.Empty;
            var attachments = await db.Attachments.AsNoTracking().Where(a => a.ComplaintId == c.Id).OrderBy(a => a.UploadedAt).ToListAsync(ct);
            response.Attachments.AddRange(attachments.Select(a => new StaffAttachment
            {
                AttachmentId = a.Id.ToString(),
                FileName = fields.Read(a.FileNameCipher, $"attachment-name:{a.Id:N}") ?? string.Empty,
                ContentType = a.ContentType,
                Size = a.Size,
                UploadedAt = Timestamp.FromDateTimeOffset(a.UploadedAt),
                UploadedByComplainant = a.UploadedBy == Attachments.ComplainantUploader,
                UploadedByStaffId = a.UploadedBy == Attachments.ComplainantUploader ? string.Empty : a.UploadedBy,
            }));
            documents = attachments.Count;
        }
        db.AccessAudit.Add(AccessAudit.By(user, "read-complaint", c.Id, why, clock.GetUtcNow(), documents));
        await db.SaveChangesAsync(ct);
        return response;
    }

    /// <summary>The amount with its currency's decimals, whatever scale the provider returns (SQL Server keeps four).</summary>
    private static string FormatAmount(decimal amount, string currency) =>
        Currencies.TryGetMinorUnits(currency, out var minor)
            ? amount.ToString("F" + minor, CultureInfo.InvariantCulture)
            : amount.ToString(CultureInfo.InvariantCulture);

    private static void RequireReference(Validator v, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            v.Add("reference", "is required");
        }
    }

    /// <summary>The complaint by reference, if the caller may see it; otherwise NotFound worded as for an unknown reference.</summary>
    private async Task<(ComplaintRecord Complaint, Viewer Viewer)> FindVisibleAsync(string? reference, ClaimsPrincipal user, CancellationToken ct)
    {
        var normalized = ReferenceGenerator.Normalize(reference);
        var viewer = await access.ViewerAsync(user, ct);
        return (IntakeAccess.Visible(await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.Reference == normalized, ct), viewer, normalized), viewer);
    }
}
