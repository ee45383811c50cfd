using System.Security.Cryptography;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>
/// A lost tracking token. When the reference exists and the email or phone given matches the complaint's, a new token
/// is issued (valid beside the old one, so a stranger who knows both cannot lock the owner out), only its hash kept for
/// checking, and <see cref="TrackingAccessGranted"/> (ids only) goes on the feed for Notifications, which fetches the
/// token at send time (<see cref="TokenForDeliveryAsync"/>) and sends it to that address alone. The caller always gets
/// the same empty answer, no sooner than <see cref="TrackingAccessOptions.MinimumAnswerTime"/>.
/// </summary>
public sealed class TrackingAccess(
    IntakeDbContext db,
    TrackingTokens tokens,
    BlindIndex blindIndex,
    FieldProtector protector,
    IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<TrackingAccess> logger)
{
    private const string AuditActor = "complainant";
    private const string AuditRoles = "address-match";

    public async Task<RequestTrackingAccessResponse> RequestAsync(RequestTrackingAccessRequest request, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        var v = new Validator();
        if (string.IsNullOrWhiteSpace(request.Reference))
        {
            v.Add("reference", "is required");
        }
        if (string.IsNullOrWhiteSpace(request.Email) && string.IsNullOrWhiteSpace(request.Phone))
        {
            v.Add("email", "give the email address or the phone number you gave with your complaint");
        }
        v.ThrowIfInvalid();

        try
        {
            await GrantIfMatchedAsync(request, ct);
        }
        finally
        {
            // The same answer in (at least) the same time, whatever happened above: a failure is padded too.
            var remaining = options.Value.TrackingAccess.MinimumAnswerTime - clock.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, clock, ct);
            }
        }
        return new RequestTrackingAccessResponse();
    }

    private async Task GrantIfMatchedAsync(RequestTrackingAccessRequest request, CancellationToken ct)
    {
        var reference = ReferenceGenerator.Normalize(request.Reference);
        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Reference == reference, ct);
        // Unknown, erased or anonymous (no address on file): nothing to match, nothing to send.
        if (complaint is not { ErasedAt: null, HasContact: true })
        {
            return;
        }
        var (channel, addressIndex) = Match(complaint, request);
        if (addressIndex is null)
        {
            return;
        }

        var limit = options.Value.TrackingAccess.GrantsPerDay;
        for (var attempt = 0; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var day = DateOnly.FromDateTime(now.UtcDateTime);
            var used = await db.TrackingGrants.Where(g => g.ComplaintId == complaint.Id && g.IssuedOn == day).Select(g => g.Slot).ToListAsync(ct);
            if (Enumerable.Range(0, limit).Except(used).Cast<int?>().FirstOrDefault() is not { } slot)
            {
                // Said here only: the caller's answer is the same as for any other request.
                logger.LogWarning("Tracking access for complaint {ComplaintId} not granted: it had {Limit} grants today already (Intake:TrackingAccess:GrantsPerDay)",
                    complaint.Id, limit);
                db.AccessAudit.Add(new AccessAudit { At = now, Actor = AuditActor, Roles = AuditRoles, Action = "tracking-access-limited", ComplaintId = complaint.Id });
                await db.SaveChangesAsync(ct);
                return;
            }
            var id = Guid.CreateVersion7(now);
            var token = TrackingTokens.NewGrantToken();
            db.TrackingGrants.Add(new TrackingGrant
            {
                Id = id,
                ComplaintId = complaint.Id,
                TokenHash = tokens.GrantHash(token),
                TokenCipher = protector.Open(complaint).Seal(token, GrantField(id)),
                AddressIndex = addressIndex,
                Channel = (int)channel,
                IssuedAt = now,
                IssuedOn = day,
                Slot = slot,
            });
            db.AppendEvent(new TrackingAccessGranted
            {
                ComplaintId = complaint.Id.ToString(),
                Reference = complaint.Reference,
                GrantId = id.ToString(),
                Channel = channel,
                GrantedAt = Timestamp.FromDateTimeOffset(now),
            }, complaint.Id.ToString(), clock);
            db.AccessAudit.Add(new AccessAudit { At = now, Actor = AuditActor, Roles = AuditRoles, Action = "tracking-access-granted", ComplaintId = complaint.Id });
            try
            {
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Tracking access granted for complaint {ComplaintId} by {Channel}", complaint.Id, channel);
                return;
            }
            catch (DbUpdateException) when (attempt < limit)
            {
                // A concurrent request took this slot: look again (the unique slot index decided).
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException ex)
            {
                // Only a matched request gets this far, so an error would tell the caller the address matched:
                // logged here, answered like any other request.
                logger.LogError(ex, "Tracking access for complaint {ComplaintId} not granted: the grant could not be saved", complaint.Id);
                return;
            }
        }
    }

    /// <summary>Which of the complaint's addresses the request names: the email (any case), else the phone (E.164).</summary>
    private (DeliveryChannel Channel, byte[]? AddressIndex) Match(ComplaintRecord complaint, RequestTrackingAccessRequest request)
    {
        if (blindIndex.Email(request.Email) is { } email && complaint.EmailIndex is { } onFileEmail && CryptographicOperations.FixedTimeEquals(email, onFileEmail))
        {
            return (DeliveryChannel.Email, onFileEmail);
        }
        if (blindIndex.Phone(request.Phone) is { } phone && complaint.PhoneIndex is { } onFilePhone && CryptographicOperations.FixedTimeEquals(phone, onFilePhone))
        {
            return (DeliveryChannel.Sms, onFilePhone);
        }
        return (DeliveryChannel.Unspecified, null);
    }

    private static string GrantField(Guid grantId) => $"tracking-grant:{grantId:N}";

    /// <summary>
    /// For Notifications, at send time: the grant's token and the address it goes to, which must still be the one that
    /// matched. Records the message that carries it, whose delivery discards the token (<see cref="DiscardDeliveredTrackingToken"/>).
    /// </summary>
    public async Task<GetTrackingAccessTokenResponse> TokenForDeliveryAsync(GetTrackingAccessTokenRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var complaintId = v.Id("complaintId", request.ComplaintId, "a complaint id");
        var grantId = v.Id("grantId", request.GrantId, "a grant id");
        var messageId = v.OptionalId("messageId", request.MessageId, "a message id");
        v.ThrowIfInvalid();

        var grant = await db.TrackingGrants.FirstOrDefaultAsync(g => g.Id == grantId && g.ComplaintId == complaintId, ct)
            ?? throw new NotFoundException("No tracking access grant with this id for this complaint.");
        var channel = (DeliveryChannel)grant.Channel;
        if (grant.TokenCipher is null)
        {
            return new GetTrackingAccessTokenResponse { Channel = channel };
        }
        var complaint = await db.Complaints.AsNoTracking().SingleAsync(c => c.Id == complaintId, ct);
        var current = channel == DeliveryChannel.Email ? complaint.EmailIndex : complaint.PhoneIndex;
        if (complaint.ErasedAt is not null || grant.AddressIndex is null || current is null || !CryptographicOperations.FixedTimeEquals(current, grant.AddressIndex))
        {
            // The address that matched is gone or changed: this token will never be sent, so it is not kept either.
            grant.TokenCipher = null;
            grant.TokenDiscardedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return new GetTrackingAccessTokenResponse { Channel = channel };
        }
        var fields = protector.Open(complaint);
        var response = new GetTrackingAccessTokenResponse
        {
            Token = fields.Read(grant.TokenCipher, GrantField(grant.Id)) ?? "",
            Channel = channel,
            Address = (channel == DeliveryChannel.Email ? fields.Read(complaint.EmailCipher, "email") : fields.Read(complaint.PhoneCipher, "phone")) ?? "",
        };
        if (messageId is not null && grant.MessageId != messageId)
        {
            grant.MessageId = messageId;
            await db.SaveChangesAsync(ct);
        }
        return response;
    }

    /// <summary>Discards the tokens issued longer than <see cref="TrackingAccessOptions.KeepTokenFor"/> ago and still kept; returns how many.</summary>
    public Task<int> DiscardStaleTokensAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - options.Value.TrackingAccess.KeepTokenFor;
        return db.TrackingGrants
            .Where(g => g.TokenCipher != null && g.IssuedAt < cutoff)
            .ExecuteUpdateAsync(u => u.SetProperty(g => g.TokenCipher, (byte[]?)null).SetProperty(g => g.TokenDiscardedAt, now), ct);
    }
}

/// <summary>
/// Notifications' feed: a tracking access message that is settled (delivered, or not applicable or suppressed, so never
/// going out) discards the token it carried; a dead letter keeps it, so staff can replay the message.
/// </summary>
public sealed class DiscardDeliveredTrackingToken(TimeProvider clock) : FeedEventHandler<IntakeDbContext, NotificationDelivered>(Sources.Notifications)
{
    protected override async Task HandleAsync(NotificationDelivered e, EventEnvelope envelope, IntakeDbContext db, CancellationToken ct)
    {
        if (!SettledMessages.Of(e, MessageKind.TrackingAccess, out var messageId))
        {
            return;
        }
        var stored = await db.TrackingGrants.Where(g => g.MessageId == messageId && g.TokenCipher != null).ToListAsync(ct);
        foreach (var grant in stored.Union(db.TrackingGrants.Tracked().Where(g => g.MessageId == messageId && g.TokenCipher != null)))
        {
            grant.TokenCipher = null;
            grant.TokenDiscardedAt = clock.GetUtcNow();
        }
    }
}

/// <summary>
/// A message of Notifications' feed that is settled: delivered, or not applicable or suppressed (so never going out). A
/// dead letter is not: staff may replay it. What the message carried (a token, an address) can go once it is settled.
/// </summary>
public static class SettledMessages
{
    public static bool Of(NotificationDelivered e, MessageKind kind, out Guid messageId)
    {
        messageId = Guid.Empty;
        return e.Kind == kind && e.Status is DeliveryStatus.Delivered or DeliveryStatus.NotApplicable or DeliveryStatus.Suppressed
            && Guid.TryParse(e.MessageId, out messageId);
    }
}
