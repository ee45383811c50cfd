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

/// <summary>
/// A refusal that may say why in a machine-readable way: <see cref="Reason"/> (UPPER_SNAKE_CASE, stable) and
/// <see cref="Metadata"/> go to the caller as google.rpc.ErrorInfo, so a client (the portal) can tell refusals with the
/// same status apart (a survey answered, expired or withdrawn) without reading the English message.
/// </summary>
public abstract class DomainException(string message) : Exception(message)
{
    public string? Reason { get; init; }

    /// <summary>Non-personal facts about the refusal (e.g. the language to word it in).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>Mapped to NotFound (HTTP 404).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>Mapped to AlreadyExists (HTTP 409).</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>The operation is not allowed in the current state: FailedPrecondition (HTTP 400).</summary>
public sealed class PreconditionException(string message) : DomainException(message);

/// <summary>Authenticated but not allowed: PermissionDenied (HTTP 403).</summary>
public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>More than a stated limit (e.g. an upload's size): ResourceExhausted (HTTP 429 via transcoding; uploads are gRPC only).</summary>
public sealed class TooLargeException(string message) : DomainException(message);
