using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>Decrypts only what a delivery needs, for the Notifications service.</summary>
public sealed class ContactLookup(IntakeDbContext db, FieldProtector protector)
{
    public async Task<GetContactForDeliveryResponse> ForDeliveryAsync(string complaintId, CancellationToken ct)
    {
        if (!Guid.TryParse(complaintId, out var id))
        {
            throw new ValidationException("complaintId", "must be a complaint id (UUID)");
        }
        var c = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException("No complaint with this id.");
        var response = new GetContactForDeliveryResponse
        {
            Reference = c.Reference,
            HasContact = c.HasContact,
            PreferredLanguage = c.PreferredLanguage,
            TimeZone = c.TimeZone ?? string.Empty,
            // The partner that submitted or imported it (its token's subject) gets the case's events on its webhook, even
            // for an anonymous complaint, whatever the channel. Complaints from before PartnerId: the partner channel's receiver.
            PartnerId = c.PartnerId
                ?? (c.Channel == (int)Complaints.Common.V1.Channel.PartnerApi ? c.ReceivedBy : null)
                ?? string.Empty,
        };
        if (!c.HasContact)
        {
            return response;
        }
        var fields = protector.Open(c);
        response.Name = fields.Read(c.NameCipher, "name") ?? string.Empty;
        response.Email = fields.Read(c.EmailCipher, "email") ?? string.Empty;
        response.Phone = fields.Read(c.PhoneCipher, "phone") ?? string.Empty;
        response.PostalAddress = fields.Read(c.PostalAddressCipher, "postalAddress") ?? string.Empty;
        response.PreferredContactChannel = (PreferredContactChannel)c.PreferredContactChannel;
        return response;
    }
}
