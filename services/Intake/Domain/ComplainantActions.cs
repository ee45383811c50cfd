using System.Security.Cryptography;
using System.Text;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RoutingActions = Complaints.Routing.V1.ComplainantActionService.ComplainantActionServiceClient;
using RoutingRequest = Complaints.Routing.V1.ComplainantActionRequest;

namespace Complaints.Intake.Domain;

/// <summary>
/// The complainant's own actions on their case (answer a request for information, add a document, withdraw,
/// ask to reopen): Intake checks the reference and tracking token, the words and the documents, then forwards
/// a command to Routing, which owns the case. Each applied action is recorded in Intake's access audit.
/// </summary>
public sealed class ComplainantActions(
    IntakeDbContext db,
    TrackingTokens tokens,
    RoutingActions routing,
    IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<ComplainantActions> logger)
{
    public const int TextMax = 10_000;

    public enum Kind
    {
        Answer,
        Document,
        Withdraw,
        Reopen,
    }

    public async Task<ComplainantActionResponse> ApplyAsync(Kind kind, ComplainantActionRequest request, CancellationToken ct)
    {
        var complaint = await ComplainantProof.FindAsync(db, tokens, request.Reference, request.TrackingToken, ct);
        if (complaint.ErasedAt is not null)
        {
            throw new PreconditionException("The complainant's data of this complaint was erased.");
        }
        var (text, attachmentIds, key) = await ValidateAsync(kind, request, complaint.Id, ct);

        var command = new RoutingRequest
        {
            ComplaintId = complaint.Id.ToString(),
            CommandId = CommandId(complaint.Id, kind, key),
            Text = text,
        };
        command.AttachmentIds.AddRange(attachmentIds);
        var answer = await ForwardAsync(kind, command, ct);

        if (answer.Applied)
        {
            db.AccessAudit.Add(new AccessAudit
            {
                At = clock.GetUtcNow(),
                Actor = "complainant",
                Roles = "tracking-token",
                Action = AuditAction(kind),
                ComplaintId = complaint.Id,
                ResultCount = attachmentIds.Count,
            });
            await db.SaveChangesAsync(ct);
        }
        return new ComplainantActionResponse { Reference = complaint.Reference, Status = answer.Status };
    }

    /// <summary>
    /// The same (complaint, action, client key) always gives the same command id, so Routing applies a retried
    /// action once. Without a key every call is a new command.
    /// </summary>
    public static string CommandId(Guid complaintId, Kind kind, string? idempotencyKey)
    {
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return Guid.NewGuid().ToString();
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"complainant-action:{complaintId:N}:{AuditAction(kind)}:{idempotencyKey}"));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    public static string AuditAction(Kind kind) => kind switch
    {
        Kind.Answer => "complainant-answer",
        Kind.Document => "complainant-document",
        Kind.Withdraw => "complainant-withdraw",
        Kind.Reopen => "complainant-reopen",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private async Task<(string Text, List<string> AttachmentIds, string? Key)> ValidateAsync(Kind kind, ComplainantActionRequest request, Guid complaintId, CancellationToken ct)
    {
        var v = new Validator();
        var text = v.Text("text", request.Text?.Trim(), 0, TextMax);
        var key = request.IdempotencyKey?.Trim() ?? "";
        if (key.Length > ComplaintValidation.IdempotencyKeyMax || (key.Length > 0 && !ComplaintValidation.IdempotencyKeyPattern().IsMatch(key)))
        {
            v.Add("idempotencyKey", $"must be 1-{ComplaintValidation.IdempotencyKeyMax} characters of letters, digits and . _ : -");
        }
        if (kind == Kind.Answer && text.Length == 0 && request.AttachmentIds.Count == 0)
        {
            v.Add("text", "is required unless documents are attached");
        }
        if (kind == Kind.Document && request.AttachmentIds.Count == 0)
        {
            v.Add("attachmentIds", "name at least one document uploaded for this complaint");
        }
        var most = options.Value.MaxAttachmentsPerSubmission;
        if (request.AttachmentIds.Count > most)
        {
            v.Add("attachmentIds", $"name at most {most} documents in one action");
        }

        var ids = new List<string>();
        var parsed = new Dictionary<Guid, int>();
        for (var i = 0; i < request.AttachmentIds.Count; i++)
        {
            if (!Guid.TryParse(request.AttachmentIds[i], out var id))
            {
                v.Add($"attachmentIds[{i}]", "must be an attachment id (UUID)");
            }
            else if (!parsed.TryAdd(id, i))
            {
                v.Add($"attachmentIds[{i}]", "is listed twice");
            }
        }
        if (parsed.Count > 0)
        {
            var wanted = parsed.Keys.ToList();
            var owned = (await db.Attachments.AsNoTracking().Where(a => a.ComplaintId == complaintId && wanted.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct)).ToHashSet();
            foreach (var (id, i) in parsed.OrderBy(p => p.Value))
            {
                if (owned.Contains(id))
                {
                    ids.Add(id.ToString());
                }
                else
                {
                    // Another complaint's document and no document at all read the same.
                    v.Add($"attachmentIds[{i}]", "is not a document of this complaint");
                }
            }
        }
        v.ThrowIfInvalid();
        return (text, ids, key.Length == 0 ? null : key);
    }

    private async Task<Routing.V1.ComplainantActionResponse> ForwardAsync(Kind kind, RoutingRequest command, CancellationToken ct)
    {
        // A network deadline is wall-clock time, not the domain clock.
        var deadline = DateTime.UtcNow.Add(options.Value.DependencyTimeout);
        try
        {
            return kind switch
            {
                Kind.Answer => await routing.AnswerInformationRequestAsync(command, deadline: deadline, cancellationToken: ct),
                Kind.Document => await routing.AddDocumentAsync(command, deadline: deadline, cancellationToken: ct),
                Kind.Withdraw => await routing.WithdrawAsync(command, deadline: deadline, cancellationToken: ct),
                Kind.Reopen => await routing.RequestReopenAsync(command, deadline: deadline, cancellationToken: ct),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            // Routing's words say what the case allows now (e.g. no open request for information).
            throw new PreconditionException(ex.Status.Detail);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            throw new PreconditionException("Your complaint is still being registered: please try again in a few minutes.");
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            logger.LogWarning("Complainant action {Kind} not forwarded: Routing answered {Status}", kind, ex.StatusCode);
            throw new RpcException(new Status(StatusCode.Unavailable,
                "We cannot take this action right now. Please try again later; with the same idempotency key it is applied only once."));
        }
        catch (RpcException ex) when (ex.StatusCode is not (StatusCode.InvalidArgument or StatusCode.AlreadyExists or StatusCode.Aborted or StatusCode.Cancelled))
        {
            // E.g. Routing refusing Intake's token: the complainant can do nothing about it (Internal, logged).
            throw new InvalidOperationException($"Routing answered {ex.StatusCode} to a complainant action: {ex.Status.Detail}", ex);
        }
    }
}
