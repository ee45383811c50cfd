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
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>Stores a complaint and its ComplaintReceived event in one transaction, idempotently.</summary>
public sealed class ComplaintSubmission(
    IntakeDbContext db,
    FieldProtector protector,
    TrackingTokens tokens,
    ReferenceGenerator references,
    IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<ComplaintSubmission> logger)
{
    private const int ReferenceAttempts = 5;

    public async Task<SubmitComplaintResponse> SubmitAsync(SubmitComplaintRequest request, string source, CancellationToken ct)
    {
        var valid = ComplaintValidation.Validate(request, options.Value.EffectiveCategories);
        var hash = tokens.RequestFingerprint(request);

        if (await FindBySourceKeyAsync(source, valid.IdempotencyKey, ct) is { } earlier)
        {
            return Replay(earlier, hash);
        }

        for (var attempt = 1; ; attempt++)
        {
            var record = Build(valid, source, hash);
            db.Complaints.Add(record);
            db.AppendEvent(ToEvent(record), record.Id.ToString(), clock);
            try
            {
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Complaint {Reference} received on {Channel}", record.Reference, valid.Channel);
                return Answer(record);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                // A concurrent duplicate won the unique index: answer with its result.
                if (await FindBySourceKeyAsync(source, valid.IdempotencyKey, ct) is { } winner)
                {
                    return Replay(winner, hash);
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

    private SubmitComplaintResponse Replay(ComplaintRecord earlier, byte[] hash) =>
        CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash)
            ? Answer(earlier)
            : throw new ConflictException("idempotencyKey: this key was already used for a different complaint; use a new key for a new complaint.");

    private ComplaintRecord Build(ValidSubmission s, string source, byte[] hash)
    {
        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var (dataKey, wrapped) = protector.NewDataKey(id);
        try
        {
            return new ComplaintRecord
            {
                Id = id,
                Reference = references.Next(),
                Source = source,
                IdempotencyKey = s.IdempotencyKey,
                RequestHash = hash,
                Channel = (int)s.Channel,
                Category = s.Category,
                Jurisdiction = (int)s.Jurisdiction,
                PreferredLanguage = s.PreferredLanguage,
                Confidential = s.Confidential,
                ReceivedAt = clock.GetUtcNow(),
                HasContact = true,
                WrappedKey = wrapped,
                SubjectCipher = protector.Encrypt(dataKey, id, "subject", s.Subject),
                DescriptionCipher = protector.Encrypt(dataKey, id, "description", s.Description),
                RemedySoughtCipher = s.RemedySought is null ? null : protector.Encrypt(dataKey, id, "remedySought", s.RemedySought),
                NameCipher = protector.Encrypt(dataKey, id, "name", s.Name),
                EmailCipher = protector.Encrypt(dataKey, id, "email", s.Email),
                PhoneCipher = s.Phone is null ? null : protector.Encrypt(dataKey, id, "phone", s.Phone),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static ComplaintReceived ToEvent(ComplaintRecord r) => new()
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
    };

    private SubmitComplaintResponse Answer(ComplaintRecord r) => new()
    {
        Reference = r.Reference,
        TrackingToken = tokens.For(r.Id),
        ReceivedAt = Timestamp.FromDateTimeOffset(r.ReceivedAt),
        ComplaintId = r.Id.ToString(),
        Status = CaseStatus.Received,
    };
}
