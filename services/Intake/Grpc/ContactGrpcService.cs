using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>
/// Internal: contact data for a delivery, the token of a tracking access grant for its message, and the address a
/// suggestion's submitter left, to the delivering
/// services only (<c>Intake:ContactReaders</c>).
/// </summary>
[Authorize(Policy = Policy)]
public sealed class ContactGrpcService(ContactLookup contacts, TrackingAccess access, SuggestionContacts suggestionContacts) : ContactService.ContactServiceBase
{
    public const string Policy = "contact-readers";

    public override Task<GetContactForDeliveryResponse> GetContactForDelivery(GetContactForDeliveryRequest request, ServerCallContext context) =>
        contacts.ForDeliveryAsync(request.ComplaintId, context.CancellationToken);

    public override Task<GetTrackingAccessTokenResponse> GetTrackingAccessToken(GetTrackingAccessTokenRequest request, ServerCallContext context) =>
        access.TokenForDeliveryAsync(request, context.CancellationToken);

    public override Task<GetSuggestionContactForDeliveryResponse> GetSuggestionContactForDelivery(GetSuggestionContactForDeliveryRequest request,
        ServerCallContext context) =>
        suggestionContacts.ForDeliveryAsync(request, context.CancellationToken);
}
