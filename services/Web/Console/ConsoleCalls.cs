using Google.Rpc;
using Grpc.Core;

namespace Complaints.Web.Console;

/// <summary>Why a context refused a console call, in the words the page shows beside the form.</summary>
public enum ConsoleFailure
{
    None,
    NotFound,
    Invalid,
    Refused,
    Conflict,
    Unavailable,
}

/// <summary>A call's answer, or its refusal: the kind, the context's message, and the fields it named.</summary>
public sealed record ConsoleResult<T>(T? Value, ConsoleFailure Failure, string Message, IReadOnlyDictionary<string, string> Fields)
{
    public bool Succeeded => Failure == ConsoleFailure.None;
}

/// <summary>
/// Every console call to a context goes through here: a deadline, and a refusal turned into what the page shows in
/// place (the contexts' messages name the field and the rule: an illegal transition, a missing approval, the final
/// response's missing statements), never an exception page that loses what the staff member typed.
/// </summary>
public sealed class ConsoleCalls(StaffGrpc grpc, ILogger<ConsoleCalls> logger)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public TClient Client<TClient>() where TClient : class => grpc.Get<TClient>();

    public static CallOptions Options(CancellationToken ct) => new(deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);

    public async Task<ConsoleResult<T>> RunAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken ct)
    {
        try
        {
            return new ConsoleResult<T>(await call(Options(ct)), ConsoleFailure.None, "", Empty);
        }
        catch (RpcException e)
        {
            var failure = e.StatusCode switch
            {
                StatusCode.NotFound => ConsoleFailure.NotFound,
                StatusCode.InvalidArgument or StatusCode.OutOfRange => ConsoleFailure.Invalid,
                StatusCode.PermissionDenied or StatusCode.Unauthenticated => ConsoleFailure.Refused,
                StatusCode.FailedPrecondition or StatusCode.Aborted or StatusCode.AlreadyExists => ConsoleFailure.Conflict,
                _ => ConsoleFailure.Unavailable,
            };
            if (failure == ConsoleFailure.Unavailable)
            {
                logger.LogWarning("A console call failed: {Status}", e.StatusCode);
            }
            var fields = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations
                .GroupBy(v => v.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(v => v.Description)), StringComparer.Ordinal)
                ?? Empty;
            return new ConsoleResult<T>(default, failure, e.Status.Detail, fields);
        }
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>The status of a console page that renders its own words for it.</summary>
public static class ConsoleStatus
{
    /// <summary>
    /// Set as the response starts, after the page has rendered: a 404 set while rendering makes Blazor's static
    /// rendering stop and send no page (its not-found handling), and the console's "not found" page says more.
    /// </summary>
    public static void Set(HttpContext context, int status) => context.Response.OnStarting(() =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    });
}
