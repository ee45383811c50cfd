using Complaints.Common.V1;

namespace Complaints.Notifications.Domain;

public enum Audience
{
    Complainant = 0,
    Staff = 1,
    Partner = 2,
}

/// <summary>
/// Each message kind: its template name, who receives it, whether it is owed regardless of opt-outs, and the
/// values its templates may use (optional ones only inside sections). The list is the templates' contract.
/// </summary>
public static class TemplateKinds
{
    public sealed record KindInfo(MessageKind Kind, string Name, Audience Audience, bool Statutory, IReadOnlySet<string> Values);

    private static readonly string[] Complainant = ["reference", "name"];
    private static readonly string[] Optional = ["unsubscribeUrl"];
    private static readonly string[] Staff = ["reference"];

    public static readonly IReadOnlyList<KindInfo> All =
    [
        // Owed regardless of opt-outs: the acknowledgement and final response (statutory), a request for
        // information (the case waits on it) and the holding reply (statutory where a deadline is extended).
        new(MessageKind.Acknowledgement, "acknowledgement", Audience.Complainant, true, Set(Complainant, "receivedAt", "resolveBy", "finalResponseDue")),
        new(MessageKind.InformationRequest, "informationRequest", Audience.Complainant, true, Set(Complainant, "detail", "dueBy")),
        new(MessageKind.HoldingReply, "holdingReply", Audience.Complainant, true, Set(Complainant, "detail", "previousDue", "finalResponseDue")),
        new(MessageKind.FinalResponse, "finalResponse", Audience.Complainant, true, Set(Complainant, "detail", "refund", "compensation")),
        new(MessageKind.Assignment, "assignment", Audience.Complainant, false, Set([.. Complainant, .. Optional])),
        new(MessageKind.PublicUpdate, "publicUpdate", Audience.Complainant, false, Set([.. Complainant, .. Optional], "title", "detail", "at")),
        new(MessageKind.CaseClosed, "caseClosed", Audience.Complainant, false, Set([.. Complainant, .. Optional], "closedAt")),
        new(MessageKind.SurveyInvitation, "surveyInvitation", Audience.Complainant, false, Set([.. Complainant, .. Optional], "surveyUrl", "expiresAt")),
        new(MessageKind.Reopened, "reopened", Audience.Complainant, false, Set([.. Complainant, .. Optional], "resolveBy")),
        new(MessageKind.StaffAssigned, "staffAssigned", Audience.Staff, false, Set(Staff, "queueId")),
        new(MessageKind.StaffAnswerReceived, "staffAnswerReceived", Audience.Staff, false, Set(Staff, "responseKind", "attachmentCount", "at")),
        new(MessageKind.StaffSlaWarning, "staffSlaWarning", Audience.Staff, false, Set(Staff, "clock", "percent", "dueAt")),
        new(MessageKind.StaffSlaBreach, "staffSlaBreach", Audience.Staff, false, Set(Staff, "clock", "dueAt", "queueId")),
        new(MessageKind.StaffEscalation, "staffEscalation", Audience.Staff, false, Set(Staff, "tier", "clock", "queueId")),
    ];

    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Values = All.ToDictionary(k => k.Name, k => k.Values);

    private static readonly Dictionary<MessageKind, KindInfo> ByKind = All.ToDictionary(k => k.Kind);

    public static KindInfo Of(MessageKind kind) => ByKind.TryGetValue(kind, out var info)
        ? info
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, "No template for this kind.");

    public static bool IsStatutory(MessageKind kind) => ByKind.TryGetValue(kind, out var info) && info.Statutory;

    private static HashSet<string> Set(string[] common, params string[] more) => [.. common, .. more];
}
