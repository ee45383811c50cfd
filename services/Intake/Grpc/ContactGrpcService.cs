using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>Internal: contact data for a delivery, to the delivering services only (<c>Intake:ContactReaders</c>).</summary>
[Authorize(Policy = Policy)]
public sealed class ContactGrpcService(ContactLookup contacts) : ContactService.ContactServiceBase
{
    public const string Policy = "contact-readers";

    public override Task<GetContactForDeliveryResponse> GetContactForDelivery(GetContactForDeliveryRequest request, ServerCallContext context) =>
        contacts.ForDeliveryAsync(request.ComplaintId, context.CancellationToken);
}
