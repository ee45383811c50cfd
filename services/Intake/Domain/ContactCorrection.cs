using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>The complainant replaces their contact details, proving it with the tracking token; recorded in the audit.</summary>
public sealed class ContactCorrection(IntakeDbContext db, TrackingTokens tokens, FieldProtector protector, BlindIndex blindIndex, TimeProvider clock)
{
    public async Task<CorrectContactDetailsResponse> CorrectAsync(CorrectContactDetailsRequest request, CancellationToken ct)
    {
        var normalized = ReferenceGenerator.Normalize(request.Reference);
        var c = await db.Complaints.FirstOrDefaultAsync(x => x.Reference == normalized, ct);
        if (c is null || !await ComplainantProof.VerifyAsync(db, tokens, c.Id, request.TrackingToken, ct))
        {
            throw new NotFoundException("No complaint matches this reference and tracking token.");
        }
        var kind = (ComplainantKind)c.ComplainantKind;
        if (kind == ComplainantKind.Anonymous)
        {
            throw new PreconditionException("This complaint was made anonymously: it has no contact details to correct.");
        }
        if (c.ErasedAt is not null)
        {
            throw new PreconditionException("The complainant's data of this complaint was erased.");
        }
        var contact = ComplaintValidation.ValidateContact(request.Complainant, kind == ComplainantKind.Unspecified ? ComplainantKind.Customer : kind);

        var fields = protector.Open(c);
        c.NameCipher = fields.Seal(contact.Name, "name");
        c.EmailCipher = fields.Seal(contact.Email, "email");
        c.PhoneCipher = fields.Seal(contact.Phone, "phone");
        c.MemberNumberCipher = fields.Seal(contact.MemberNumber, "memberNumber");
        c.PostalAddressCipher = fields.Seal(contact.PostalAddress, "postalAddress");
        c.PreferredContactChannel = (int)contact.PreferredChannel;
        c.EmailIndex = blindIndex.Email(contact.Email);
        c.PhoneIndex = blindIndex.Phone(contact.Phone);
        c.PreferredLanguage = contact.Language;
        c.TimeZone = contact.TimeZone;
        c.HasContact = contact.Email is not null || contact.Phone is not null;
        db.AccessAudit.Add(new AccessAudit { At = clock.GetUtcNow(), Actor = "complainant", Roles = "tracking-token", Action = "contact-corrected", ComplaintId = c.Id });
        await db.SaveChangesAsync(ct);
        return new CorrectContactDetailsResponse { Reference = c.Reference };
    }
}
