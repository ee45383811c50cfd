using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Complaints.ServiceDefaults.Errors;

/// <summary>
/// The one place where domain errors become gRPC statuses. Unknown exceptions are logged and
/// answered with a bare Internal status: no stack trace or message reaches the caller. A domain error with a reason
/// carries it as google.rpc.ErrorInfo (domain "complaints.{service}").
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger, ServiceIdentity service) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Returns the exception to throw instead, or null to let an RpcException pass unchanged.</summary>
    private RpcException? Map(Exception ex, ServerCallContext context) => ex switch
    {
        RpcException => null,
        ValidationException v => ToRpc(Code.InvalidArgument, v.Message, BadRequestOf(v)),
        NotFoundException e => ToRpc(Code.NotFound, ex.Message, ErrorInfoOf(e)),
        ConflictException e => ToRpc(Code.AlreadyExists, ex.Message, ErrorInfoOf(e)),
        PreconditionException e => ToRpc(Code.FailedPrecondition, ex.Message, ErrorInfoOf(e)),
        ForbiddenException e => ToRpc(Code.PermissionDenied, ex.Message, ErrorInfoOf(e)),
        TooLargeException e => ToRpc(Code.ResourceExhausted, ex.Message, ErrorInfoOf(e)),
        Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException => ToRpc(Code.Aborted, "The record changed while this request was applied (e.g. a legal hold or an erasure); nothing was changed. Try again."),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested
            => new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled.")),
        _ => Unexpected(ex, context),
    };

    private RpcException Unexpected(Exception ex, ServerCallContext context)
    {
        logger.LogError(ex, "Unhandled error in {Method}", context.Method);
        return ToRpc(Code.Internal, "An internal error occurred.");
    }

    private ErrorInfo? ErrorInfoOf(DomainException e)
    {
        if (e.Reason is null)
        {
            return null;
        }
        var info = new ErrorInfo { Reason = e.Reason, Domain = "complaints." + service.Name };
        foreach (var (key, value) in e.Metadata ?? new Dictionary<string, string>())
        {
            info.Metadata[key] = value;
        }
        return info;
    }

    private static BadRequest BadRequestOf(ValidationException v)
    {
        var badRequest = new BadRequest();
        foreach (var violation in v.Violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description });
        }
        return badRequest;
    }

    private static RpcException ToRpc(Code code, string message, Google.Protobuf.IMessage? detail = null)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (detail is not null)
        {
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(detail));
        }
        return status.ToRpcException();
    }
}
