using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>
/// The email address a suggestion's submitter leaves to hear back (decision 19). Insights holds no contact data, so the
/// address is kept here: sealed under a data key of its own (wrapped by the master key), with a blind index for
/// data-subject access and erasure, behind an opaque random contact id that the portal hands to Insights. Notifications
/// asks for it at send time (<see cref="ForDeliveryAsync"/>); it is forgotten (key, ciphertext and index destroyed) once
/// that message is settled (<see cref="ForgetDeliveredSuggestionContact"/>), after
/// <see cref="SuggestionContactOptions.KeepFor"/>, and on erasure of the address.
/// </summary>
public sealed class SuggestionContacts(IntakeDbContext db, FieldProtector protector, BlindIndex blindIndex, KeyMaterial keys,
    IOptions<IntakeOptions> options, TimeProvider clock)
{
    public const int MaxIdempotencyKey = 100;
    public const int ForgetBatch = 500;
    private const string EmailField = "suggestion-email";

    public async Task<RegisterSuggestionContactResponse> RegisterAsync(RegisterSuggestionContactRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var email = (request.Email ?? string.Empty).Trim();
        if (email.Length == 0)
        {
            v.Add("email", "is required");
        }
        else if (!ComplaintValidation.IsEmail(email))
        {
            v.Add("email", "must be an email address, e.g. name@example.org");
        }
        var language = (request.Language ?? string.Empty).Trim();
        if (language.Length > 0)
        {
            if (ComplaintValidation.TryLanguage(language, out var normalized))
            {
                language = normalized;
            }
            else
            {
                v.Add("language", "must be a BCP 47 language tag, e.g. en, ko, bg-BG");
            }
        }
        var key = v.Text("idempotencyKey", request.IdempotencyKey, 0, MaxIdempotencyKey, allowNewlines: false);
        v.ThrowIfInvalid();

        // Keyed (so the stored value confirms no guess) over the key and the address: a retry of the same form with the
        // same address finds its first contact; a guessed key with another address finds nothing.
        var requestKey = key.Length == 0 ? null : RequestKey(key, email);
        if (requestKey is not null && await FindByRequestKeyAsync(requestKey, ct) is { } earlier)
        {
            return new RegisterSuggestionContactResponse { ContactId = earlier.ToString("N") };
        }
        var now = clock.GetUtcNow();
        // Random, not time-ordered: the id says nothing, not even when it was made.
        var id = Guid.NewGuid();
        var (dataKey, wrapped) = protector.NewDataKey(id);
        db.SuggestionContacts.Add(new SuggestionContact
        {
            Id = id,
            WrappedKey = wrapped,
            EmailCipher = protector.Encrypt(dataKey, id, EmailField, email),
            EmailIndex = blindIndex.Email(email),
            RequestKey = requestKey,
            Language = language,
            RegisteredAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (requestKey is not null)
        {
            // A concurrent retry of the same form won the unique index: answer with its contact.
            db.ChangeTracker.Clear();
            if (await FindByRequestKeyAsync(requestKey, ct) is { } winner)
            {
                return new RegisterSuggestionContactResponse { ContactId = winner.ToString("N") };
            }
            throw;
        }
        return new RegisterSuggestionContactResponse { ContactId = id.ToString("N") };
    }

    private async Task<Guid?> FindByRequestKeyAsync(byte[] requestKey, CancellationToken ct) =>
        (await db.SuggestionContacts.AsNoTracking().Where(c => c.RequestKey == requestKey && c.ForgottenAt == null)
            .Select(c => new { c.Id }).FirstOrDefaultAsync(ct))?.Id;

    private byte[] RequestKey(string idempotencyKey, string email) =>
        HMACSHA256.HashData(keys.TrackingKey, Encoding.UTF8.GetBytes("suggestion-contact:" + idempotencyKey + "\0" + email.ToLowerInvariant()));

    /// <summary>
    /// For Notifications, at send time: the address, for <paramref name="request"/>'s message, whose settled delivery then
    /// forgets it. Empty when there is nothing to send to (unknown id, forgotten).
    /// </summary>
    public async Task<GetSuggestionContactForDeliveryResponse> ForDeliveryAsync(GetSuggestionContactForDeliveryRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var id = v.Id("contactId", request.ContactId, "a suggestion contact id");
        var messageId = v.OptionalId("messageId", request.MessageId, "a message id");
        v.ThrowIfInvalid();

        var contact = await db.SuggestionContacts.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is not { ForgottenAt: null, EmailCipher: not null })
        {
            return new GetSuggestionContactForDeliveryResponse();
        }
        var email = EmailOf(contact);
        if (messageId is not null && contact.MessageId != messageId)
        {
            contact.MessageId = messageId;
            await db.SaveChangesAsync(ct);
        }
        return new GetSuggestionContactForDeliveryResponse { Email = email, Language = contact.Language };
    }

    /// <summary>Forgets the contacts registered longer than <see cref="SuggestionContactOptions.KeepFor"/> ago; returns how many.</summary>
    public async Task<int> ForgetStaleAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - options.Value.SuggestionContacts.KeepFor;
        var stale = await db.SuggestionContacts.Where(c => c.ForgottenAt == null && c.RegisteredAt < cutoff).Take(ForgetBatch).ToListAsync(ct);
        foreach (var contact in stale)
        {
            Forget(contact, SuggestionContact.Retention, now);
        }
        await db.SaveChangesAsync(ct);
        return stale.Count;
    }

    /// <summary>Destroys the contact's key, address and index and its retry key; the non-personal record (when, why) stays.</summary>
    public static void Forget(SuggestionContact contact, string why, DateTimeOffset at)
    {
        contact.WrappedKey = [];
        contact.EmailCipher = null;
        contact.EmailIndex = null;
        contact.RequestKey = null;
        contact.ForgottenAt = at;
        contact.ForgottenBecause = why;
    }

    /// <summary>The live contacts of an address (by its blind index), for data-subject access and erasure.</summary>
    public static Task<List<SuggestionContact>> OfAddressAsync(IntakeDbContext db, byte[]? emailIndex, bool tracked, CancellationToken ct) =>
        emailIndex is null
            ? Task.FromResult(new List<SuggestionContact>())
            : (tracked ? db.SuggestionContacts : db.SuggestionContacts.AsNoTracking())
                .Where(c => c.EmailIndex == emailIndex && c.ForgottenAt == null).OrderBy(c => c.RegisteredAt).ToListAsync(ct);

    /// <summary>What a subject access export says of one contact: the address, its language, when it was left and why it is kept.</summary>
    /// <summary>The address in clear, or null once forgotten.</summary>
    private string? EmailOf(SuggestionContact contact) =>
        contact.EmailCipher is null ? null : protector.Decrypt(protector.Unwrap(contact.WrappedKey, contact.Id), contact.Id, EmailField, contact.EmailCipher);

    public JsonObject Describe(SuggestionContact contact) => new()
    {
        ["email"] = EmailOf(contact),
        ["language"] = contact.Language,
        ["registeredAt"] = contact.RegisteredAt,
        ["purpose"] = "to tell the submitter of a suggestion that the organisation's response is ready; forgotten once that message is sent",
        ["forgottenBy"] = contact.RegisteredAt + options.Value.SuggestionContacts.KeepFor,
    };
}

/// <summary>
/// Notifications' feed: a suggestion response message that is settled (delivered, or not applicable or suppressed, so
/// never going out) forgets the address it went to; a dead letter keeps it, so staff can replay the message.
/// </summary>
public sealed class ForgetDeliveredSuggestionContact(TimeProvider clock) : FeedEventHandler<IntakeDbContext, NotificationDelivered>(Sources.Notifications)
{
    protected override async Task HandleAsync(NotificationDelivered e, EventEnvelope envelope, IntakeDbContext db, CancellationToken ct)
    {
        if (!SettledMessages.Of(e, MessageKind.SuggestionResponse, out var messageId))
        {
            return;
        }
        var stored = await db.SuggestionContacts.Where(c => c.MessageId == messageId && c.ForgottenAt == null).ToListAsync(ct);
        foreach (var contact in stored.Union(db.SuggestionContacts.Tracked().Where(c => c.MessageId == messageId && c.ForgottenAt == null)))
        {
            SuggestionContacts.Forget(contact, SuggestionContact.Delivered, clock.GetUtcNow());
        }
    }
}
