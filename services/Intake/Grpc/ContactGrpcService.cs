using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>Internal: contact data for a delivery, to services only.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class ContactGrpcService(ContactLookup contacts) : ContactService.ContactServiceBase
{
    public override Task<GetContactForDeliveryResponse> GetContactForDelivery(GetContactForDeliveryRequest request, ServerCallContext context) =>
        contacts.ForDeliveryAsync(request.ComplaintId, context.CancellationToken);
}
