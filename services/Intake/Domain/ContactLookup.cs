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
        var response = new GetContactForDeliveryResponse { Reference = c.Reference, HasContact = c.HasContact, PreferredLanguage = c.PreferredLanguage };
        if (!c.HasContact)
        {
            return response;
        }
        var key = protector.Unwrap(c.WrappedKey, c.Id);
        response.Name = c.NameCipher is null ? string.Empty : protector.Decrypt(key, c.Id, "name", c.NameCipher);
        response.Email = c.EmailCipher is null ? string.Empty : protector.Decrypt(key, c.Id, "email", c.EmailCipher);
        response.Phone = c.PhoneCipher is null ? string.Empty : protector.Decrypt(key, c.Id, "phone", c.PhoneCipher);
        return response;
    }
}
