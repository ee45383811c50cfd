using Complaints.Common.V1;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>
/// The complainant's view: Intake verifies the token, then composes Routing's public case view and
/// Notifications' message history under deadlines. A dependency that is down leaves its part out
/// and is named in <c>unavailable</c>; the rest is still answered.
/// </summary>
public sealed class ComplaintTracking(
    IntakeDbContext db,
    TrackingTokens tokens,
    FieldProtector protector,
    CaseViewService.CaseViewServiceClient routing,
    MessageHistoryService.MessageHistoryServiceClient notifications,
    IOptions<IntakeOptions> options,
    ILogger<ComplaintTracking> logger)
{
    // Same answer for an unknown reference and a wrong token, so references cannot be probed.
    private const string NotFoundMessage = "No complaint matches this reference and tracking token.";

    public async Task<TrackComplaintResponse> TrackAsync(string? reference, string? token, CancellationToken ct)
    {
        var v = new Validator();
        if (string.IsNullOrWhiteSpace(reference))
        {
            v.Add("reference", "is required");
        }
        if (string.IsNullOrWhiteSpace(token))
        {
            v.Add("trackingToken", "is required");
        }
        v.ThrowIfInvalid();

        var normalized = ReferenceGenerator.Normalize(reference);
        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Reference == normalized, ct);
        if (complaint is null || !tokens.Verify(complaint.Id, token!.Trim()))
        {
            throw new NotFoundException(NotFoundMessage);
        }

        var response = new TrackComplaintResponse
        {
            Reference = complaint.Reference,
            Status = CaseStatus.Received,
            ReceivedAt = Timestamp.FromDateTimeOffset(complaint.ReceivedAt),
            Category = complaint.Category,
            Subject = DecryptSubject(complaint),
        };

        // A network deadline is wall-clock time, not the domain clock.
        var deadline = DateTime.UtcNow.Add(options.Value.DependencyTimeout);
        var id = complaint.Id.ToString();
        var caseCall = routing.GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = id }, deadline: deadline, cancellationToken: ct);
        var messagesCall = notifications.ListMessagesAsync(new ListMessagesRequest { ComplaintId = id }, deadline: deadline, cancellationToken: ct);

        var view = await TryGetAsync(caseCall.ResponseAsync, "case", response, ct);
        if (view is not null)
        {
            response.Status = view.Status;
            response.AcknowledgeBy = view.AcknowledgeBy;
            response.ResolveBy = view.ResolveBy;
            response.AcknowledgedAt = view.AcknowledgedAt;
            response.Timeline.AddRange(view.Timeline.Select(t => new TimelineEntry { At = t.At, Title = t.Title, Detail = t.Detail }));
        }
        else
        {
            response.Timeline.Add(new TimelineEntry { At = response.ReceivedAt, Title = "Complaint received", Detail = "We have received your complaint." });
        }

        var history = await TryGetAsync(messagesCall.ResponseAsync, "messages", response, ct);
        if (history is not null)
        {
            response.Messages.AddRange(history.Messages.Select(m => new MessageSummary
            {
                Subject = m.Subject,
                Channel = m.Channel,
                At = m.DeliveredAt ?? m.CreatedAt,
                Status = m.Status,
                Kind = m.Kind,
            }));
        }
        return response;
    }

    private async Task<T?> TryGetAsync<T>(Task<T> call, string part, TrackComplaintResponse response, CancellationToken ct) where T : class
    {
        try
        {
            return await call;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // Not there yet (the case is opened shortly after receipt): nothing is missing.
            return null;
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Tracking view without {Part}: {Status}", part, ex.StatusCode);
            response.Unavailable.Add(part);
            return null;
        }
    }

    private string DecryptSubject(ComplaintRecord complaint)
    {
        if (complaint.ErasedAt is not null)
        {
            return string.Empty;
        }
        return protector.Open(complaint).Read(complaint.SubjectCipher, "subject") ?? string.Empty;
    }
}
