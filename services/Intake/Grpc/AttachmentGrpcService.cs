using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

[Authorize(Policy = Policies.StaffTable)]
public sealed class AttachmentGrpcService(Attachments attachments) : AttachmentService.AttachmentServiceBase
{
    /// <summary>Complainants (with the tracking token) and staff.</summary>
    [AllowAnonymous]
    public override Task<UploadAttachmentResponse> UploadAttachment(IAsyncStreamReader<UploadAttachmentRequest> requestStream, ServerCallContext context) =>
        attachments.UploadAsync(requestStream, context.GetHttpContext().User, context.CancellationToken);

    public override Task<ListAttachmentsResponse> ListAttachments(ListAttachmentsRequest request, ServerCallContext context) =>
        attachments.ListAsync(request.Reference, context.GetHttpContext().User, context.CancellationToken);

    public override Task DownloadAttachment(DownloadAttachmentRequest request, IServerStreamWriter<DownloadAttachmentResponse> responseStream, ServerCallContext context) =>
        attachments.DownloadAsync(request.AttachmentId, request.Purpose, context.GetHttpContext().User, responseStream, context.CancellationToken);
}
