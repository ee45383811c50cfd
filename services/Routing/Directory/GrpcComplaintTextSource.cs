using Complaints.Intake.V1;

namespace Complaints.Routing.Directory;

/// <summary>
/// Asks Intake for the complaint's words. Failures propagate: the event subscriber retries the
/// ComplaintReceived event, so no case is triaged without its text while Intake is down.
/// </summary>
public sealed class GrpcComplaintTextSource(ComplaintTextService.ComplaintTextServiceClient client) : IComplaintTextSource
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<string?> GetTextAsync(Guid complaintId, CancellationToken ct)
    {
        var response = await client.GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = complaintId.ToString() },
            deadline: DateTime.UtcNow.Add(Timeout), cancellationToken: ct);
        return response.Erased ? null : string.Join("\n", new[] { response.Subject, response.Description, response.RemedySought }.Where(s => s.Length > 0));
    }
}
