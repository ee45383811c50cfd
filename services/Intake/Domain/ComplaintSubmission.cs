using System.Security.Cryptography;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>Stores a complaint and its ComplaintReceived event in one transaction, idempotently.</summary>
public sealed class ComplaintSubmission(
    IntakeDbContext db,
    FieldProtector protector,
    TrackingTokens tokens,
    BlindIndex blindIndex,
    ReferenceGenerator references,
    Taxonomy taxonomy,
    Microsoft.Extensions.Options.IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<ComplaintSubmission> logger)
{
    private const int ReferenceAttempts = 5;

    /// <param name="caller">
    /// Who submits: its source (idempotency keys are unique per source), the authenticated staff member or partner
    /// recorded as the receiver, and the partner that owns the complaint.
    /// </param>
    public async Task<SubmitComplaintResponse> SubmitAsync(SubmitComplaintRequest request, IntakeCaller caller, CancellationToken ct)
    {
        var valid = ComplaintValidation.Validate(request, taxonomy, Today());
        if (valid.Jurisdiction == Jurisdiction.Unspecified)
        {
            // The organisation's regime (Intake:DefaultJurisdiction), so a web complaint gets its statutory clock too.
            valid = valid with { Jurisdiction = options.Value.DefaultJurisdictionValue };
        }
        var content = request.Clone();
        content.IdempotencyKey = string.Empty;
        // Anonymous callers cannot name a receiver: only an authenticated staff member or partner is one.
        var (record, _) = await StoreAsync(valid with { ReceivedBy = caller.Subject }, caller, tokens.RequestFingerprint(content), null, ct);
        return Answer(record);
    }

    /// <summary>Imports one historical record; false when the same record was imported before.</summary>
    public async Task<bool> ImportAsync(ImportComplaintRequest item, IntakeCaller caller, CancellationToken ct)
    {
        var v = new Validator();
        var sourceId = item.SourceId?.Trim() ?? string.Empty;
        if (sourceId.Length == 0)
        {
            v.Add("sourceId", "is required");
        }
        if (item.ReceivedAt is null)
        {
            v.Add("receivedAt", "is required");
        }
        else if (item.ReceivedAt.Nanos is < 0 or > 999_999_999 || item.ReceivedAt.Seconds < new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() || item.ReceivedAt.Seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            v.Add("receivedAt", "must be a valid time after 1990-01-01");
        }
        else if (item.ReceivedAt.ToDateTimeOffset() > clock.GetUtcNow().AddDays(1))
        {
            v.Add("receivedAt", "must not be in the future");
        }
        var outcome = v.Text("outcome", item.Outcome?.Trim(), 0, 200, allowNewlines: false);
        if (item.Complaint is null)
        {
            v.Add("complaint", "is required");
        }
        v.ThrowIfInvalid();

        var request = item.Complaint!.Clone();
        request.IdempotencyKey = sourceId;
        if (request.Complainant is null && request.ComplainantKind == ComplainantKind.Unspecified)
        {
            request.ComplainantKind = ComplainantKind.Anonymous;
        }
        var valid = ComplaintValidation.Validate(request, taxonomy, Today());
        var history = new ImportedHistory(item.ReceivedAt!.ToDateTimeOffset(), string.IsNullOrEmpty(outcome) ? null : outcome, Closed: !item.Open);
        var content = item.Clone();
        content.Complaint.IdempotencyKey = string.Empty;
        var (_, created) = await StoreAsync(valid with { ReceivedBy = caller.Subject ?? valid.ReceivedBy }, caller, tokens.RequestFingerprint(content), history, ct);
        return created;
    }

    private sealed record ImportedHistory(DateTimeOffset ReceivedAt, string? Outcome, bool Closed);

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<(ComplaintRecord Record, bool Created)> StoreAsync(ValidSubmission valid, IntakeCaller caller, byte[] hash, ImportedHistory? history, CancellationToken ct)
    {
        var source = caller.Source;
        if (await FindBySourceKeyAsync(source, valid.IdempotencyKey, ct) is { } earlier)
        {
            return (Replay(earlier, hash), false);
        }

        for (var attempt = 1; ; attempt++)
        {
            var record = Build(valid, caller, hash, history);
            db.Complaints.Add(record);
            db.AppendEvent(ToEvent(record), record.Id.ToString(), clock);
            try
            {
                await db.SaveChangesAsync(ct);
                logger.LogDebug("Complaint {Reference} received on {Channel}", record.Reference, valid.Channel);
                return (record, true);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                // A concurrent duplicate won the unique index: answer with its result.
                if (await FindBySourceKeyAsync(source, valid.IdempotencyKey, ct) is { } winner)
                {
                    return (Replay(winner, hash), false);
                }
                // Otherwise the reference collided (40 random bits): draw another.
                if (attempt >= ReferenceAttempts)
                {
                    throw;
                }
            }
        }
    }

    private Task<ComplaintRecord?> FindBySourceKeyAsync(string source, string key, CancellationToken ct) =>
        db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Source == source && c.IdempotencyKey == key, ct);

    private static ComplaintRecord Replay(ComplaintRecord earlier, byte[] hash) =>
        CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash)
            ? earlier
            : throw new ConflictException("idempotencyKey: this key was already used for a different complaint; use a new key for a new complaint.");

    private ComplaintRecord Build(ValidSubmission s, IntakeCaller caller, byte[] hash, ImportedHistory? history)
    {
        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var (dataKey, wrapped) = protector.NewDataKey(id);
        try
        {
            return new ComplaintRecord
            {
                Id = id,
                Reference = references.Next(),
                Source = caller.Source,
                PartnerId = caller.PartnerId,
                IdempotencyKey = s.IdempotencyKey,
                RequestHash = hash,
                Channel = (int)s.Channel,
                Category = s.Category.Id,
                Subcategory = s.Subcategory,
                Jurisdiction = (int)s.Jurisdiction,
                PreferredLanguage = s.Contact.Language,
                TimeZone = s.Contact.TimeZone,
                Confidential = s.Confidential,
                ReceivedAt = history?.ReceivedAt ?? clock.GetUtcNow(),
                Imported = history is not null,
                ImportedClosed = history?.Closed ?? false,
                // The source's closing date is unknown: retention counts from the import, the later date.
                ClosedAt = history?.Closed == true ? clock.GetUtcNow() : null,
                Outcome = history?.Outcome,
                ReceivedBy = s.ReceivedBy,
                ComplainantKind = (int)s.Kind,
                HasContact = s.HasContact,
                HasRepresentative = s.Representative is not null,
                EventDate = s.EventDate,
                AmountInDispute = s.Amount,
                Currency = s.Currency,
                ConsentContact = s.ConsentContact,
                ConsentPublication = s.ConsentPublication,
                WrappedKey = wrapped,
                SubjectCipher = protector.Encrypt(dataKey, id, "subject", s.Subject),
                DescriptionCipher = protector.Encrypt(dataKey, id, "description", s.Description),
                RemedySoughtCipher = Seal(s.RemedySought, "remedySought"),
                NameCipher = Seal(s.Contact.Name, "name"),
                EmailCipher = Seal(s.Contact.Email, "email"),
                PhoneCipher = Seal(s.Contact.Phone, "phone"),
                MemberNumberCipher = Seal(s.Contact.MemberNumber, "memberNumber"),
                PostalAddressCipher = Seal(s.Contact.PostalAddress, "postalAddress"),
                PreferredContactChannel = (int)s.Contact.PreferredChannel,
                EmailIndex = blindIndex.Email(s.Contact.Email),
                PhoneIndex = blindIndex.Phone(s.Contact.Phone),
                RepresentativeCipher = Seal(s.Representative is null ? null : System.Text.Json.JsonSerializer.Serialize(s.Representative), "representative"),
            };

            byte[]? Seal(string? value, string field) => value is null ? null : protector.Encrypt(dataKey, id, field, value);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private ComplaintReceived ToEvent(ComplaintRecord r)
    {
        var category = taxonomy.Find(r.Category)!;
        return new ComplaintReceived
        {
            ComplaintId = r.Id.ToString(),
            Reference = r.Reference,
            Channel = (Channel)r.Channel,
            Category = r.Category,
            Jurisdiction = (Jurisdiction)r.Jurisdiction,
            PreferredLanguage = r.PreferredLanguage,
            Confidential = r.Confidential,
            ReceivedAt = Timestamp.FromDateTimeOffset(r.ReceivedAt),
            HasContact = r.HasContact,
            ComplainantKind = (ComplainantKind)r.ComplainantKind,
            Subcategory = r.Subcategory ?? string.Empty,
            FcaProductGroup = category.FcaProductGroup,
            CfpbProduct = category.CfpbProduct,
            AmountInDispute = r.AmountInDispute?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            Currency = r.Currency ?? string.Empty,
            HasRepresentative = r.HasRepresentative,
            Imported = r.Imported,
            ImportedClosed = r.ImportedClosed,
            Outcome = r.Outcome ?? string.Empty,
        };
    }

    private SubmitComplaintResponse Answer(ComplaintRecord r) => new()
    {
        Reference = r.Reference,
        TrackingToken = tokens.For(r.Id),
        ReceivedAt = Timestamp.FromDateTimeOffset(r.ReceivedAt),
        ComplaintId = r.Id.ToString(),
        Status = CaseStatus.Received,
    };
}
