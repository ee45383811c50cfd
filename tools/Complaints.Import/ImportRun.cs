using System.Globalization;
using Complaints.Intake.V1;
using CsvHelper;
using Grpc.Core;
using Grpc.Net.Client;

namespace Complaints.Import;

/// <summary>Reads, maps and streams a CFPB file over one ImportComplaints call, then reports.</summary>
public static class ImportRun
{
    public static async Task<int> RunAsync(ImportOptions o, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!File.Exists(o.File))
        {
            stderr.WriteLine($"error: no such file: {o.File}");
            return ExitCodes.UsageOrConnection;
        }
        var report = new ImportReport();
        try
        {
            var total = CfpbCsv.CountRecords(o.File);
            if (o.DryRun)
            {
                DryRun(o, total, report, stderr, ct);
            }
            else
            {
                await SendAsync(o, total, report, stderr, ct);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or CsvFormatException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot read {o.File}: {ex.Message}");
            return ExitCodes.UsageOrConnection;
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
            stderr.WriteLine("cancelled.");
            return ExitCodes.UsageOrConnection;
        }
        catch (RpcException ex)
        {
            stderr.WriteLine($"error: the import call failed: {ex.StatusCode}: {ex.Status.Detail}");
            stderr.WriteLine(Hint(ex.StatusCode, o.Target));
            if (report.Sent > 0 && ex.StatusCode is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Unimplemented))
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{report.Sent} records were sent before the failure and may have been imported; importing the file again is safe (they count as duplicates)."));
            }
            return ExitCodes.UsageOrConnection;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled.");
            return ExitCodes.UsageOrConnection;
        }
        report.Write(stdout, o.DryRun);
        return report.ExitCode;
    }

    private static void DryRun(ImportOptions o, int total, ImportReport report, TextWriter stderr, CancellationToken ct)
    {
        foreach (var record in CfpbCsv.ReadFile(o.File))
        {
            ct.ThrowIfCancellationRequested();
            var mapped = Map(record, o.OpenAll);
            report.Rows++;
            if (mapped.IsValid)
            {
                report.Sent++;
            }
            else
            {
                report.Rejections.Add(new RowRejection(record.Index, record.Line, mapped.SourceId, mapped.Error!, ByServer: false));
            }
            Progress(stderr, "mapped", report.Rows, total, o.ProgressEvery);
        }
    }

    private static async Task SendAsync(ImportOptions o, int total, ImportReport report, TextWriter stderr, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(o.Target!);
        var client = new ImportService.ImportServiceClient(channel);
        var headers = new Metadata { { "authorization", "Bearer " + o.Token } };
        using var call = client.ImportComplaints(headers, cancellationToken: ct);

        // The server numbers records by their position in the stream; rows the CLI rejected are not in it.
        var streamToRow = new List<(int Index, int Line)>();
        foreach (var record in CfpbCsv.ReadFile(o.File))
        {
            ct.ThrowIfCancellationRequested();
            var mapped = Map(record, o.OpenAll);
            report.Rows++;
            if (mapped.IsValid)
            {
                await WriteAsync(call, mapped.Request!, ct);
                streamToRow.Add((record.Index, record.Line));
                report.Sent++;
            }
            else
            {
                report.Rejections.Add(new RowRejection(record.Index, record.Line, mapped.SourceId, mapped.Error!, ByServer: false));
            }
            Progress(stderr, "sent", report.Rows, total, o.ProgressEvery);
        }
        await WithCallStatusAsync(call, () => call.RequestStream.CompleteAsync());
        var response = await call.ResponseAsync;

        report.Imported = response.Imported;
        report.Duplicates = response.Duplicates;
        report.ServerRejected = response.Rejected;
        foreach (var r in response.Rejections)
        {
            var (index, line) = r.Index >= 0 && r.Index < streamToRow.Count ? streamToRow[r.Index] : (r.Index, 0);
            report.Rejections.Add(new RowRejection(index, line, r.SourceId, r.Reason, ByServer: true));
        }
        if (response.Imported + response.Duplicates + response.Rejected != report.Sent)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: {report.Sent} records were sent but the server accounted for {response.Imported + response.Duplicates + response.Rejected}."));
        }
    }

    private static MappedRow Map(CfpbCsvRecord record, bool openAll) => record.Error is null
        ? CfpbRowMapper.Map(record.Row, openAll)
        : MappedRow.Failed(CfpbRowMapper.SourceIdOf(record.Row), record.Error);

    private static Task WriteAsync(AsyncClientStreamingCall<ImportComplaintRequest, ImportComplaintsResponse> call, ImportComplaintRequest request, CancellationToken ct) =>
        WithCallStatusAsync(call, () => call.RequestStream.WriteAsync(request, ct));

    /// <summary>
    /// Runs a write on the request stream. When the server has already ended the call (refused the token, failed),
    /// the write fails with a bare "Cancelled" or "call is complete": throw the call's own status instead.
    /// </summary>
    private static async Task WithCallStatusAsync(AsyncClientStreamingCall<ImportComplaintRequest, ImportComplaintsResponse> call, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            if (await CallStatusAsync(call) is { } status)
            {
                throw status;
            }
            throw;
        }
    }

    /// <summary>The status the call ended with, if it has ended with an error (or does so shortly).</summary>
    private static async Task<RpcException?> CallStatusAsync(AsyncClientStreamingCall<ImportComplaintRequest, ImportComplaintsResponse> call)
    {
        try
        {
            await call.ResponseAsync.WaitAsync(CallStatusWait);
            return null;
        }
        catch (RpcException status)
        {
            return status;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static readonly TimeSpan CallStatusWait = TimeSpan.FromSeconds(5);

    private static void Progress(TextWriter stderr, string verb, int done, int total, int every)
    {
        if (done % every == 0 || done == total)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{verb} {done}/{total}"));
        }
    }

    private static string Hint(StatusCode code, Uri? target) => code switch
    {
        StatusCode.Unauthenticated => "hint: --token is missing, expired or not signed with the platform's key.",
        StatusCode.PermissionDenied => "hint: the token needs role admin or supervisor, or be a partner token with the complaints.import scope.",
        StatusCode.Unavailable => $"hint: nothing answers gRPC at {target}; use the gateway's h2c listener (e.g. http://127.0.0.1:8081) or Intake's gRPC port.",
        StatusCode.Unimplemented => $"hint: {target} does not serve complaints.intake.v1.ImportService.",
        _ => "hint: see the server's log.",
    };
}
