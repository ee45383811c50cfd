using System.Security.Claims;
using Complaints.Common.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Domain;

/// <summary>Messages parked as FAILED after their last attempt; staff list them and replay them.</summary>
public sealed class DeadLetters(NotificationsDbContext db, NotificationsAccess access, DeliveryWakeup wakeup, TimeProvider clock, ILogger<DeadLetters> logger)
{
    public async Task<ListDeadLettersResponse> ListAsync(DeliveryChannel channel, int pageSize, ClaimsPrincipal user, CancellationToken ct)
    {
        if (pageSize is < 0 or > 500)
        {
            throw new ValidationException("pageSize", "must be between 1 and 500 (0: the default of 100)");
        }
        // A confidential complaint's messages exist only for its circle (the need-to-know rule).
        var visibleConfidential = db.Cases.Where(c => c.Confidential).VisibleTo(await access.ViewerAsync(user, ct)).Select(c => c.ComplaintId);
        var query = db.Messages.AsNoTracking().Where(m => m.Status == (int)DeliveryStatus.Failed)
            .Where(m => !db.Cases.Any(c => c.ComplaintId == m.ComplaintId && c.Confidential) || visibleConfidential.Contains(m.ComplaintId));
        if (channel != DeliveryChannel.Unspecified)
        {
            query = query.Where(m => m.Channel == (int)channel);
        }
        var rows = await query.OrderByDescending(m => m.DeliveredAt).Take(pageSize == 0 ? 100 : pageSize).ToListAsync(ct);
        var response = new ListDeadLettersResponse();
        response.DeadLetters.AddRange(rows.Select(m => new DeadLetter
        {
            MessageId = m.Id.ToString(),
            ComplaintId = m.ComplaintId.ToString(),
            Reference = m.Reference,
            Kind = (MessageKind)m.Kind,
            Channel = (DeliveryChannel)m.Channel,
            Audience = ((Audience)m.Audience).ToString().ToLowerInvariant(),
            Attempts = m.Attempts,
            LastError = m.LastError ?? "",
            FailedAt = m.DeliveredAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
            Replays = m.Replays,
        }));
        return response;
    }

    public async Task<ReplayDeadLetterResponse> ReplayAsync(string messageId, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Guid.TryParse(messageId, out var id))
        {
            throw new ValidationException("messageId", "must be a message id (UUID)");
        }
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == id, ct);
        var viewer = await access.ViewerAsync(user, ct);
        if (message is null || await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.ComplaintId == message.ComplaintId, ct) is { } c && !viewer.MaySee(c))
        {
            throw new NotFoundException("No message with this id.");
        }
        var actor = viewer.StaffId ?? "unknown";
        if (message.Status != (int)DeliveryStatus.Failed)
        {
            throw new PreconditionException("Only a dead letter (a FAILED message) can be replayed.");
        }
        if (message.Erased && message.Audience == (int)Audience.Complainant)
        {
            throw new PreconditionException($"Message {message.Id} cannot be replayed: its complainant's personal data was erased, so nothing may be sent to them.");
        }
        message.Status = (int)DeliveryStatus.Pending;
        message.Attempts = 0;
        message.Replays++;
        message.DeliveredAt = null;
        message.NextAttemptAt = clock.GetUtcNow();
        // Guarded by the version: an erasure committed since the read makes this save fail instead of reviving the message.
        message.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new PreconditionException($"Message {message.Id} changed while it was being replayed (e.g. its complainant was erased); list the dead letters again.");
        }
        logger.LogInformation("Dead letter {MessageId} replayed by {Actor}", message.Id, actor);
        wakeup.Signal.Notify();
        return new ReplayDeadLetterResponse { Status = DeliveryStatus.Pending };
    }
}
