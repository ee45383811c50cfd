using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Routing.Data;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Routing.Domain;

/// <summary>Writes a case's audit trail and its events, together with the state change (one SaveChanges).</summary>
public sealed class CaseJournal(CaseText text, TimeProvider clock)
{
    public const string System = "system";
    public const string Complainant = "complainant";

    public TimeProvider Clock => clock;

    public CaseText Text => text;

    /// <summary>
    /// Appends an entry; its <see cref="CaseHistoryEntry.Seq"/> is known at once. A public entry needs its
    /// <paramref name="code"/> from <see cref="PublicCodes"/>, with the parameters the catalogue names for it (a
    /// programming error otherwise, caught by every test that writes one).
    /// </summary>
    public CaseHistoryEntry Record(RoutingDbContext db, Case c, string kind, string title, string actor,
        string? detail = null, bool isPublic = false, string? reason = null, DateTimeOffset? at = null,
        CaseStatus? from = null, CaseStatus? to = null, string? commandId = null,
        string? code = null, IReadOnlyDictionary<string, string>? parameters = null)
    {
        if (isPublic || code is not null)
        {
            EnsureCatalogued(isPublic, code, parameters);
        }
        var fields = text.Open(c);
        var entry = new CaseHistoryEntry
        {
            ComplaintId = c.ComplaintId,
            Seq = ++c.EntryCount,
            At = at ?? clock.GetUtcNow(),
            Kind = kind,
            Title = title,
            Detail = fields.SealEntry(detail),
            Reason = fields.SealEntry(string.IsNullOrWhiteSpace(reason) ? null : reason),
            IsPublic = isPublic,
            Actor = actor,
            FromStatus = from is { } f ? (int)f : null,
            ToStatus = to is { } t ? (int)t : null,
            CommandId = commandId,
            Code = code,
            Parameters = PublicCodes.Serialize(parameters),
        };
        db.Timeline.Add(entry);
        return entry;
    }

    private static void EnsureCatalogued(bool isPublic, string? code, IReadOnlyDictionary<string, string>? parameters)
    {
        if (!isPublic)
        {
            throw new InvalidOperationException($"Code {code} given for an internal entry: codes are for what the complainant sees.");
        }
        if (PublicCodes.Find(code) is not { NextStep: false } info)
        {
            throw new InvalidOperationException($"A public entry needs a timeline code from PublicCodes, not '{code}'.");
        }
        var given = parameters?.Keys.ToList() ?? [];
        var missing = info.Parameters.Except(given).ToList();
        var unknown = given.Where(p => !info.Allows(p)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Entry {code}: missing parameters [{string.Join(", ", missing)}], unknown parameters [{string.Join(", ", unknown)}] (see PublicCodes).");
        }
    }

    /// <summary>
    /// Moves the case to <paramref name="to"/> (FailedPrecondition when the state machine forbids it), records the
    /// transition and appends <see cref="V1.CaseStatusChanged"/>.
    /// </summary>
    public CaseHistoryEntry Transition(RoutingDbContext db, Case c, CaseStatus to, string action, string actor,
        string title, string? detail = null, bool isPublic = true, string? reason = null, DateTimeOffset? at = null, string? commandId = null,
        string kindOverride = EntryKinds.Transition, string? code = null, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var from = (CaseStatus)c.Status;
        CaseStateMachine.Ensure(from, to, action);
        var when = at ?? clock.GetUtcNow();
        c.Status = (int)to;
        var entry = Record(db, c, kindOverride, title, actor, detail, isPublic, reason, when, from, to, commandId, code, parameters);
        Append(db, c, new V1.CaseStatusChanged
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            From = from,
            To = to,
            At = Timestamp.FromDateTimeOffset(when),
            Actor = actor,
        });
        return entry;
    }

    public void Append(RoutingDbContext db, Case c, IMessage message) => db.AppendEvent(message, c.ComplaintId.ToString(), clock);

    public static Timestamp? Stamp(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
