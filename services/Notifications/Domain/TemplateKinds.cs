using Complaints.Common.V1;

namespace Complaints.Notifications.Domain;

public enum Audience
{
    Complainant = 0,
    Staff = 1,
    Partner = 2,

    /// <summary>
    /// A suggestion's submitter, who left an address with Intake to hear back: no complaint, no preferences; the address
    /// is Intake's suggestion contact, asked for at send time. The message's complaint id is the suggestion's id.
    /// </summary>
    Submitter = 3,
}

/// <summary>
/// Each message kind: its template name, who receives it, whether it is owed regardless of opt-outs, the values
/// its templates may use, and the ones every message of the kind has (<see cref="KindInfo.Required"/>). A value
/// that may be absent (a deadline the event left out, a refund) can only be used inside its own section
/// (<c>{{#dueBy}}...{{/dueBy}}</c>), which the template check enforces at start. The list is the templates' contract.
/// </summary>
public static class TemplateKinds
{
    public sealed record KindInfo(MessageKind Kind, string Name, Audience Audience, bool Statutory, IReadOnlySet<string> Values, IReadOnlySet<string> Required)
    {
        /// <summary>
        /// Asked for by the complainant, for the one channel they asked on: sent whatever the channel preferences and
        /// opt-outs (they say which messages the complainant wants unasked), without an unsubscribe link.
        /// </summary>
        public bool OnRequest { get; init; }

        /// <summary>Values that are secrets: never in the subject, which is stored and shown in the message history.</summary>
        public IReadOnlySet<string> Secrets { get; init; } = new HashSet<string>();
    }

    /// <summary>
    /// Given for every complainant message ("name" may be empty: use it in a section). "followUrl" is the portal's follow
    /// page for the complaint, <c>{PublicBaseUrl}/follow?reference=...</c>: it carries the reference, never a token.
    /// </summary>
    private static readonly string[] Complainant = ["reference", "name", "followUrl"];
    /// <summary>Staff alerts: the queue and handler when known; "toSupervisor" when the recipient is a supervisor of the queue, not the handler.</summary>
    private static readonly string[] StaffOptional = ["queueId", "assigneeId", "toSupervisor"];

    public static readonly IReadOnlyList<KindInfo> All =
    [
        // Owed regardless of opt-outs: the acknowledgement and final response (statutory), a request for
        // information (the case waits on it) and the holding reply (statutory where a deadline is extended).
        Kind(MessageKind.Acknowledgement, "acknowledgement", Audience.Complainant, true, [.. Complainant, "receivedAt"], ["resolveBy", "finalResponseDue"]),
        Kind(MessageKind.InformationRequest, "informationRequest", Audience.Complainant, true, [.. Complainant, "detail"], ["dueBy"]),
        Kind(MessageKind.HoldingReply, "holdingReply", Audience.Complainant, true, [.. Complainant, "detail"], ["previousDue", "finalResponseDue"]),
        Kind(MessageKind.FinalResponse, "finalResponse", Audience.Complainant, true, [.. Complainant, "detail"], ["refund", "compensation"]),
        Kind(MessageKind.Assignment, "assignment", Audience.Complainant, false, [.. Complainant], ["unsubscribeUrl"]),
        Kind(MessageKind.PublicUpdate, "publicUpdate", Audience.Complainant, false, [.. Complainant, "detail", "at"], ["unsubscribeUrl"]),
        Kind(MessageKind.CaseClosed, "caseClosed", Audience.Complainant, false, [.. Complainant, "closedAt"], ["unsubscribeUrl"]),
        Kind(MessageKind.SurveyInvitation, "surveyInvitation", Audience.Complainant, false, [.. Complainant, "surveyUrl"], ["unsubscribeUrl", "expiresAt"]),
        Kind(MessageKind.Reopened, "reopened", Audience.Complainant, false, [.. Complainant], ["unsubscribeUrl", "resolveBy"]),
        // A new tracking token the complainant asked for (Intake's TrackingAccessGranted), to the address that matched.
        Kind(MessageKind.TrackingAccess, "trackingAccess", Audience.Complainant, false, [.. Complainant, "token"], []) with
        {
            OnRequest = true,
            Secrets = new HashSet<string> { "token" },
        },
        // A response to a suggestion is ready on the portal (Insights' SuggestionResponded), to the address its submitter
        // left with Intake. "viewUrl" is the portal's /suggestions/view with the reference; never the response or the code.
        Kind(MessageKind.SuggestionResponse, "suggestionResponse", Audience.Submitter, false, ["reference", "viewUrl"], []) with { OnRequest = true },
        Kind(MessageKind.StaffAssigned, "staffAssigned", Audience.Staff, false, ["reference"], StaffOptional),
        Kind(MessageKind.StaffAnswerReceived, "staffAnswerReceived", Audience.Staff, false, ["reference", "responseKind", "attachmentCount", "at"], StaffOptional),
        Kind(MessageKind.StaffSlaWarning, "staffSlaWarning", Audience.Staff, false, ["reference", "clock", "percent"], [.. StaffOptional, "dueAt"]),
        Kind(MessageKind.StaffSlaBreach, "staffSlaBreach", Audience.Staff, false, ["reference", "clock"], [.. StaffOptional, "dueAt"]),
        Kind(MessageKind.StaffEscalation, "staffEscalation", Audience.Staff, false, ["reference", "tier", "clock"], StaffOptional),
    ];

    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Values = All.ToDictionary(k => k.Name, k => k.Values);

    private static readonly Dictionary<MessageKind, KindInfo> ByKind = All.ToDictionary(k => k.Kind);

    private static readonly Dictionary<string, KindInfo> ByName = All.ToDictionary(k => k.Name);

    public static KindInfo Of(MessageKind kind) => ByKind.TryGetValue(kind, out var info)
        ? info
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, "No template for this kind.");

    public static KindInfo? Named(string name) => ByName.GetValueOrDefault(name);

    public static bool IsStatutory(MessageKind kind) => ByKind.TryGetValue(kind, out var info) && info.Statutory;

    private static KindInfo Kind(MessageKind kind, string name, Audience audience, bool statutory, string[] required, string[] optional) =>
        new(kind, name, audience, statutory, new HashSet<string>([.. required, .. optional]), new HashSet<string>(required));
}
