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
    IHostApplicationLifetime lifetime,
    ILogger<ComplaintTracking> logger)
{
    public async Task<TrackComplaintResponse> TrackAsync(string? reference, string? token, CancellationToken ct) =>
        await ViewAsync(await ComplainantProof.FindAsync(db, tokens, reference, token, ct), ct);

    /// <summary>
    /// The same view for the partner that owns the complaint (<see cref="ComplaintRecord.PartnerId"/>), without the
    /// tracking token: another partner's complaint, or anyone else's, is the same NotFound as an unknown reference.
    /// </summary>
    public async Task<TrackComplaintResponse> TrackForPartnerAsync(string? reference, string partnerId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new ValidationException("reference", "is required");
        }
        var normalized = ReferenceGenerator.Normalize(reference);
        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Reference == normalized && c.PartnerId == partnerId, ct)
            ?? throw new NotFoundException($"No complaint of yours with reference {normalized}.");
        return await ViewAsync(complaint, ct);
    }

    /// <summary>The view of a complaint whose caller was already verified.</summary>
    private async Task<TrackComplaintResponse> ViewAsync(ComplaintRecord complaint, CancellationToken ct)
    {
        var response = new TrackComplaintResponse
        {
            Reference = complaint.Reference,
            Status = CaseStatus.Received,
            ReceivedAt = Timestamp.FromDateTimeOffset(complaint.ReceivedAt),
            Category = complaint.Category,
            Subject = DecryptSubject(complaint),
            TimeZone = complaint.TimeZone ?? string.Empty,
            PreferredLanguage = complaint.PreferredLanguage,
        };
        response.Attachments.AddRange(await ComplainantAttachmentsAsync(complaint, ct));
        if (complaint.MergedIntoId is { } primaryId)
        {
            // The complainant's own token still works; the view says where their complaint went.
            response.MergedIntoReference = await db.Complaints.AsNoTracking().Where(c => c.Id == primaryId).Select(c => c.Reference).FirstOrDefaultAsync(ct) ?? string.Empty;
        }

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
            response.NextStep = view.NextStep;
            response.FirstResponseBy = view.FirstResponseBy;
            response.FinalResponseDue = view.FinalResponseDue;
            response.InformationRequested = view.InformationRequested;
            response.InformationDue = view.InformationDue;
            response.ResumeToken = view.ResumeToken;
            response.NextStepCode = view.NextStepCode;
            response.NextStepParameters.Add(view.NextStepParameters);
            response.ResolveByDate = view.ResolveByDate;
            response.FirstResponseByDate = view.FirstResponseByDate;
            response.FinalResponseDueDate = view.FinalResponseDueDate;
            response.InformationDueDate = view.InformationDueDate;
            response.Timeline.AddRange(view.Timeline.Select(Entry));
        }
        else
        {
            // Routing's own first entry, until it has opened the case (docs/routing.md: case.received).
            response.Timeline.Add(new TimelineEntry { At = response.ReceivedAt, Title = "Complaint received", Detail = "We have received your complaint.", Code = "case.received" });
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

    /// <summary>
    /// Relays Routing's public watch of the case after the token is checked: each public change as it happens,
    /// resuming after <c>resume_token</c>. Ends when the complainant disconnects or Routing ends the stream.
    /// </summary>
    public async Task WatchAsync(WatchComplaintRequest request, IServerStreamWriter<ComplaintChange> writer, CancellationToken ct)
    {
        var complaint = await ComplainantProof.FindAsync(db, tokens, request.Reference, request.TrackingToken, ct);
        var resumeToken = ResumeToken(request.ResumeToken);
        // End with the host too, or graceful shutdown would wait for every watcher.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        ct = linked.Token;
        try
        {
            // No deadline: the stream lives as long as the complainant watches.
            using var call = routing.WatchPublicCase(new WatchPublicCaseRequest { ComplaintId = complaint.Id.ToString(), ResumeToken = resumeToken }, cancellationToken: ct);
            await foreach (var change in call.ResponseStream.ReadAllAsync(ct))
            {
                await writer.WriteAsync(new ComplaintChange
                {
                    ResumeToken = change.ResumeToken,
                    Status = change.Status,
                    Entry = change.Entry is { } e ? Entry(e) : null,
                    TimeZone = complaint.TimeZone ?? string.Empty,
                    PreferredLanguage = complaint.PreferredLanguage,
                }, ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && ct.IsCancellationRequested)
        {
            // The complainant went away or Intake is stopping.
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            throw new PreconditionException("Your complaint is still being registered: watch again in a minute.");
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
        {
            logger.LogWarning("Complaint watch interrupted: Routing answered {Status}", ex.StatusCode);
            throw new RpcException(new Status(StatusCode.Unavailable,
                "Live updates are unavailable right now. Please try again later, passing the last resume_token you received."));
        }
    }

    /// <summary>Routing's public entry as the complainant's: the English words, and the code, parameters and text a translating client shows.</summary>
    private static TimelineEntry Entry(PublicTimelineEntry e)
    {
        var entry = new TimelineEntry { At = e.At, Title = e.Title, Detail = e.Detail, Code = e.Code, Text = e.Text };
        entry.Parameters.Add(e.Parameters);
        return entry;
    }

    /// <summary>Checked here too, so a bad token is refused before Routing is asked: "" or a whole number.</summary>
    private static string ResumeToken(string? token)
    {
        var trimmed = token?.Trim() ?? "";
        return trimmed.Length == 0 || int.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? trimmed
            : throw new ValidationException("resumeToken", "must be the resume_token of an earlier change or tracking view (a whole number), or empty to start from the beginning");
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

    /// <summary>
    /// The documents the complainant uploaded (staff's own uploads are theirs), oldest first: names decrypted, nothing
    /// else of them. None once the complainant's data was erased (they went with it).
    /// </summary>
    private async Task<IEnumerable<ComplainantAttachment>> ComplainantAttachmentsAsync(ComplaintRecord complaint, CancellationToken ct)
    {
        if (complaint.ErasedAt is not null)
        {
            return [];
        }
        var rows = await db.Attachments.AsNoTracking()
            .Where(a => a.ComplaintId == complaint.Id && a.UploadedBy == Attachments.ComplainantUploader)
            .OrderBy(a => a.UploadedAt).ThenBy(a => a.Id)
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }
        var fields = protector.Open(complaint);
        return rows.Select(a => new ComplainantAttachment
        {
            AttachmentId = a.Id.ToString(),
            FileName = fields.Read(a.FileNameCipher, $"attachment-name:{a.Id:N}") ?? string.Empty,
            Size = a.Size,
            UploadedAt = Timestamp.FromDateTimeOffset(a.UploadedAt),
        });
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

/// <summary>
/// The complainant's proof: reference and tracking token. An unknown reference and a wrong token get the same
/// answer, so references cannot be probed.
/// </summary>
public static class ComplainantProof
{
    public const string NotFoundMessage = "No complaint matches this reference and tracking token.";

    public static async Task<ComplaintRecord> FindAsync(IntakeDbContext db, TrackingTokens tokens, string? reference, string? token, CancellationToken ct)
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
        if (complaint is null || !await VerifyAsync(db, tokens, complaint.Id, token, ct))
        {
            throw new NotFoundException(NotFoundMessage);
        }
        return complaint;
    }

    /// <summary>
    /// Whether <paramref name="token"/> proves the complaint: its own token (recomputed, never stored), or a new one it
    /// was given when its complainant asked for tracking access (<see cref="TrackingAccess"/>, recognised by its hash).
    /// </summary>
    public static async Task<bool> VerifyAsync(IntakeDbContext db, TrackingTokens tokens, Guid complaintId, string? token, CancellationToken ct)
    {
        var presented = token?.Trim();
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        if (tokens.Verify(complaintId, presented))
        {
            return true;
        }
        var hash = tokens.GrantHash(presented);
        return await db.TrackingGrants.AnyAsync(g => g.ComplaintId == complaintId && g.TokenHash == hash, ct);
    }
}
