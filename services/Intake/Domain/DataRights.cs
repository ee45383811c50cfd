using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Complaints.Eventing;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>
/// Erasure (crypto-shredding: each complaint's data key is destroyed), subject access export and legal
/// holds. The complainant is found through the blind indexes, so every complaint they made is covered.
/// </summary>
public sealed class DataRights(
    IntakeDbContext db,
    IntakeAccess access,
    BlindIndex blindIndex,
    FieldProtector protector,
    TimeProvider clock,
    IAttachmentStore attachments,
    SuggestionContacts suggestionContacts,
    ILogger<DataRights> logger)
{
    public async Task<EraseComplainantResponse> EraseAsync(SubjectSelector? subject, string? reason, ClaimsPrincipal user, CancellationToken ct)
    {
        var why = RequireReason(reason);
        var complaints = await FindAsync(subject, tracked: true, ct);
        var contacts = await SuggestionContacts.OfAddressAsync(db, blindIndex.Email(subject?.Email), tracked: true, ct);
        NotFoundUnlessAny(complaints, contacts);
        var held = complaints.Where(c => c.LegalHold).ToList();
        if (held.Count > 0)
        {
            throw new PreconditionException("Erasure is blocked by legal hold: " +
                string.Join("; ", held.Select(c => $"{c.Reference} ({c.LegalHoldReason})")) + ". Release the hold first.");
        }
        var response = new EraseComplainantResponse();
        var files = new List<Guid>();
        foreach (var c in complaints.Where(c => c.ErasedAt is null))
        {
            files.AddRange(await ShredAsync(db, c, clock, ct));
            db.AccessAudit.Add(AccessAudit.By(user, "erase", c.Id, why, clock.GetUtcNow()));
            response.ErasedReferences.Add(c.Reference);
        }
        // The addresses left to hear back about suggestions: forgotten (key, ciphertext and index destroyed).
        foreach (var contact in contacts)
        {
            SuggestionContacts.Forget(contact, SuggestionContact.Erased, clock.GetUtcNow());
        }
        if (contacts.Count > 0)
        {
            db.AccessAudit.Add(AccessAudit.By(user, "erase-suggestion-contacts", null, why, clock.GetUtcNow(), contacts.Count));
        }
        response.ForgottenSuggestionContacts = contacts.Count;
        await db.SaveChangesAsync(ct);
        await DeleteContentAsync(db, attachments, files, ct);
        logger.LogInformation("Erased the complainant data of {Count} complaints and {Contacts} suggestion contacts",
            response.ErasedReferences.Count, contacts.Count);
        return response;
    }

    /// <summary>
    /// Destroys the complaint's data key, every ciphertext, blind index and attachment, keeping the
    /// non-personal record, and tells the other contexts (ComplainantErased) to drop what they hold. Returns the
    /// attachment ids whose stored content the caller deletes with <see cref="DeleteContentAsync"/> once saved.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> ShredAsync(IntakeDbContext db, ComplaintRecord c, TimeProvider clock, CancellationToken ct)
    {
        // Attachment records (file names, plaintext hashes) and database blobs go with the save; file-store content after it.
        db.AttachmentBlobs.RemoveRange(await db.AttachmentBlobs.Where(b => db.Attachments.Any(a => a.Id == b.AttachmentId && a.ComplaintId == c.Id)).ToListAsync(ct));
        var attachments = await db.Attachments.Where(a => a.ComplaintId == c.Id).ToListAsync(ct);
        db.Attachments.RemoveRange(attachments);
        c.WrappedKey = [];
        c.SubjectCipher = [];
        c.DescriptionCipher = [];
        c.RemedySoughtCipher = null;
        c.NameCipher = null;
        c.EmailCipher = null;
        c.PhoneCipher = null;
        c.MemberNumberCipher = null;
        c.PostalAddressCipher = null;
        c.PreferredContactChannel = 0;
        c.RepresentativeCipher = null;
        c.EmailIndex = null;
        c.PhoneIndex = null;
        // A new tracking token given on request keeps working, like the complaint's own; its sealed copy and the
        // address it went to go.
        foreach (var grant in await db.TrackingGrants.Where(g => g.ComplaintId == c.Id).ToListAsync(ct))
        {
            grant.TokenCipher = null;
            grant.AddressIndex = null;
            grant.TokenDiscardedAt ??= clock.GetUtcNow();
        }
        c.HasContact = false;
        c.ErasedAt = clock.GetUtcNow();
        db.AppendEvent(new ComplainantErased { ComplaintId = c.Id.ToString(), Reference = c.Reference }, c.Id.ToString(), clock);
        return attachments.Select(a => a.Id).ToList();
    }

    /// <summary>
    /// After the records are gone, the stored content goes too (file store). Already unreadable (its key is destroyed);
    /// removing it leaves nothing of the person on disk. A crash before this leaves orphan ciphertext, never a dangling record.
    /// </summary>
    public static async Task DeleteContentAsync(IntakeDbContext db, IAttachmentStore store, IEnumerable<Guid> attachmentIds, CancellationToken ct)
    {
        foreach (var id in attachmentIds)
        {
            await store.DeleteAsync(db, id, ct);
        }
    }

    public async Task<ExportComplainantDataResponse> ExportAsync(SubjectSelector? subject, string? reason, ClaimsPrincipal user, CancellationToken ct)
    {
        var why = RequireReason(reason);
        var complaints = await FindAsync(subject, tracked: false, ct);
        var contacts = await SuggestionContacts.OfAddressAsync(db, blindIndex.Email(subject?.Email), tracked: false, ct);
        NotFoundUnlessAny(complaints, contacts);
        var items = new JsonArray();
        foreach (var c in complaints.OrderBy(c => c.ReceivedAt))
        {
            items.Add(Describe(c));
            db.AccessAudit.Add(AccessAudit.By(user, "export", c.Id, why, clock.GetUtcNow()));
        }
        var document = new JsonObject
        {
            ["exportedAt"] = clock.GetUtcNow(),
            ["controllerNote"] = "All complaint data held by the complaints service about the data subject.",
            ["complaints"] = items,
            // Addresses left to hear back about a suggestion (the suggestions themselves are Insights', anonymous).
            ["suggestionContacts"] = new JsonArray([.. contacts.Select(c => (JsonNode)suggestionContacts.Describe(c))]),
        };
        if (contacts.Count > 0)
        {
            db.AccessAudit.Add(AccessAudit.By(user, "export-suggestion-contacts", null, why, clock.GetUtcNow(), contacts.Count));
        }
        await db.SaveChangesAsync(ct);
        return new ExportComplainantDataResponse
        {
            Json = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
            Complaints = items.Count,
            SuggestionContacts = contacts.Count,
        };
    }

    public async Task<SetLegalHoldResponse> SetLegalHoldAsync(string? reference, bool hold, string? reason, ClaimsPrincipal user, CancellationToken ct)
    {
        var why = hold ? RequireReason(reason) : reason?.Trim();
        var normalized = ReferenceGenerator.Normalize(reference);
        var c = IntakeAccess.Visible(await db.Complaints.FirstOrDefaultAsync(x => x.Reference == normalized, ct), await access.ViewerAsync(user, ct), normalized);
        c.LegalHold = hold;
        c.LegalHoldReason = hold ? why : null;
        db.AccessAudit.Add(AccessAudit.By(user, hold ? "legal-hold" : "legal-hold-released", c.Id, why, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return new SetLegalHoldResponse { Reference = c.Reference, Hold = hold };
    }

    private JsonObject Describe(ComplaintRecord c)
    {
        var item = new JsonObject
        {
            ["reference"] = c.Reference,
            ["receivedAt"] = c.ReceivedAt,
            ["channel"] = ProtoEnums.Name((Common.V1.Channel)c.Channel),
            ["category"] = c.Category,
            ["subcategory"] = c.Subcategory,
            ["jurisdiction"] = ProtoEnums.Name((Common.V1.Jurisdiction)c.Jurisdiction),
            ["preferredLanguage"] = c.PreferredLanguage,
            ["timeZone"] = c.TimeZone,
            ["confidential"] = c.Confidential,
            ["eventDate"] = c.EventDate?.ToString("yyyy-MM-dd"),
            ["amountInDispute"] = c.AmountInDispute,
            ["currency"] = c.Currency,
            ["consent"] = new JsonObject { ["contact"] = c.ConsentContact, ["publication"] = c.ConsentPublication },
            ["receivedBy"] = c.ReceivedBy,
            ["erasedAt"] = c.ErasedAt,
        };
        if (c.ErasedAt is not null)
        {
            return item;
        }
        var fields = protector.Open(c);
        item["name"] = fields.Read(c.NameCipher, "name");
        item["email"] = fields.Read(c.EmailCipher, "email");
        item["phone"] = fields.Read(c.PhoneCipher, "phone");
        item["memberNumber"] = fields.Read(c.MemberNumberCipher, "memberNumber");
        item["postalAddress"] = fields.Read(c.PostalAddressCipher, "postalAddress");
        item["preferredContactChannel"] = ProtoEnums.Name((PreferredContactChannel)c.PreferredContactChannel);
        item["subject"] = fields.Read(c.SubjectCipher, "subject");
        item["description"] = fields.Read(c.DescriptionCipher, "description");
        item["remedySought"] = fields.Read(c.RemedySoughtCipher, "remedySought");
        item["representative"] = fields.Read(c.RepresentativeCipher, "representative") is { } rep ? JsonNode.Parse(rep) : null;
        var attachments = new JsonArray();
        foreach (var a in db.Attachments.AsNoTracking().Where(a => a.ComplaintId == c.Id).OrderBy(a => a.UploadedAt).ToList())
        {
            attachments.Add(new JsonObject
            {
                ["fileName"] = fields.Read(a.FileNameCipher, $"attachment-name:{a.Id:N}"),
                ["contentType"] = a.ContentType,
                ["size"] = a.Size,
                ["uploadedAt"] = a.UploadedAt,
                ["uploadedBy"] = a.UploadedBy,
            });
        }
        item["attachments"] = attachments;
        return item;
    }

    private async Task<List<ComplaintRecord>> FindAsync(SubjectSelector? subject, bool tracked, CancellationToken ct)
    {
        var emailIndex = blindIndex.Email(subject?.Email);
        var phoneIndex = blindIndex.Phone(subject?.Phone);
        var reference = string.IsNullOrWhiteSpace(subject?.Reference) ? null : ReferenceGenerator.Normalize(subject.Reference);
        if (emailIndex is null && phoneIndex is null && reference is null)
        {
            throw new ValidationException("subject", "give the data subject's email, phone or a complaint reference");
        }
        var query = tracked ? db.Complaints : db.Complaints.AsNoTracking();
        return await query
            .Where(c => (emailIndex != null && c.EmailIndex == emailIndex) || (phoneIndex != null && c.PhoneIndex == phoneIndex) || (reference != null && c.Reference == reference))
            .ToListAsync(ct);
    }

    private static void NotFoundUnlessAny(List<ComplaintRecord> complaints, List<SuggestionContact> contacts)
    {
        if (complaints.Count == 0 && contacts.Count == 0)
        {
            throw new NotFoundException("No complaint and no suggestion contact is held about this data subject.");
        }
    }

    private static string RequireReason(string? reason)
    {
        var v = new Validator();
        var why = v.Text("reason", reason?.Trim(), 3, 500, allowNewlines: false);
        v.ThrowIfInvalid();
        return why;
    }
}
