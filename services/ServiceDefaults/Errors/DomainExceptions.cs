namespace Complaints.ServiceDefaults.Errors;

/// <summary>One problem with one field of a request; the field path uses proto JSON names (e.g. "complainant.email").</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>Bad input: mapped to InvalidArgument with google.rpc.BadRequest (HTTP 400).</summary>
public sealed class ValidationException(IReadOnlyList<FieldViolation> violations)
    : Exception("Invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    public ValidationException(string field, string description) : this([new FieldViolation(field, description)]) { }
}

/// <summary>Mapped to NotFound (HTTP 404).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>Mapped to AlreadyExists (HTTP 409).</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>The operation is not allowed in the current state: FailedPrecondition (HTTP 400).</summary>
public sealed class PreconditionException(string message) : Exception(message);

/// <summary>Authenticated but not allowed: PermissionDenied (HTTP 403).</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>More than a stated limit (e.g. an upload's size): ResourceExhausted (HTTP 429 via transcoding; uploads are gRPC only).</summary>
public sealed class TooLargeException(string message) : Exception(message);
