using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Grpc.Core;

namespace Complaints.Intake.Domain;

/// <summary>
/// Applies an import stream record by record, each in its own unit of work: a bad record is
/// reported with its reasons and the rest go on; a record imported before is counted, not repeated.
/// </summary>
public sealed class ComplaintImport(IServiceScopeFactory scopes, ILogger<ComplaintImport> logger)
{
    /// <summary>Reasons beyond this many are counted but not listed.</summary>
    public const int MaxListedRejections = 1_000;

    public async Task<ImportComplaintsResponse> ImportAsync(IAsyncStreamReader<ImportComplaintRequest> records, IntakeCaller caller, CancellationToken ct)
    {
        var response = new ImportComplaintsResponse();
        var index = 0;
        await foreach (var record in records.ReadAllAsync(ct))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var created = await scope.ServiceProvider.GetRequiredService<ComplaintSubmission>().ImportAsync(record, caller, ct);
                if (created)
                {
                    response.Imported++;
                }
                else
                {
                    response.Duplicates++;
                }
            }
            catch (Exception ex) when (ex is ValidationException or ConflictException)
            {
                response.Rejected++;
                if (response.Rejections.Count < MaxListedRejections)
                {
                    response.Rejections.Add(new ImportRejection { Index = index, SourceId = record.SourceId, Reason = ex.Message });
                }
            }
            index++;
        }
        logger.LogInformation("Import by {Source}: {Imported} imported, {Duplicates} duplicates, {Rejected} rejected",
            caller.Source, response.Imported, response.Duplicates, response.Rejected);
        return response;
    }
}
