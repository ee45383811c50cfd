using System.Security.Claims;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>What an operation needs of the caller's relation to the case, once the caller may see it (<see cref="Viewer"/>).</summary>
public enum CaseScope
{
    /// <summary>Not about one case (the directory; a search, whose results follow the need-to-know rule).</summary>
    None,

    /// <summary>Anyone with the role who may see the case.</summary>
    Visible,

    /// <summary>The assigned handler or a supervisor of the case; an unassigned case, anyone who may see it.</summary>
    Handler,

    /// <summary>A supervisor of the case: of its queue, or with the supervisor or admin role.</summary>
    Supervisor,

    /// <summary>A complaint the calling partner submitted or imported; any other is NotFound, as if it did not exist.</summary>
    Own,
}

/// <summary>
/// One row of the authorisation table: a gRPC method, the staff roles that may call it, the partner scope that lets a
/// partner call it, and the cases it may touch.
/// </summary>
public sealed record StaffOperation(string Service, string Method, IReadOnlyList<string> Roles, CaseScope Scope, string Action, string? Note = null)
{
    /// <summary>The gRPC path, "/package.Service/Method".</summary>
    public string Path => $"/{Service}/{Method}";

    /// <summary>Complainants may call it too, proving the complaint with its tracking token instead of a role.</summary>
    public bool Complainant { get; init; }

    /// <summary>
    /// The scope (<see cref="PartnerScopes"/>) a partner token needs to call it; null: never a partner. A partner token is
    /// judged by its scopes alone, so it passes no row without one, whatever else it carries.
    /// </summary>
    public string? PartnerScope { get; init; }

    /// <summary>
    /// The public front door: callers without a token, and any token but a partner's (which still needs
    /// <see cref="PartnerScope"/>). A token that was presented but did not validate is refused, not taken as anonymous.
    /// </summary>
    public bool Public { get; init; }

    /// <summary>Whether <paramref name="user"/> may call the method; <paramref name="presentedToken"/>: the request carried credentials.</summary>
    public bool Admits(ClaimsPrincipal user, bool presentedToken)
    {
        if (user.IsInRole(Auth.Roles.Partner))
        {
            return PartnerScope is { } scope && PartnerScopes.Of(user).Contains(scope);
        }
        if (Public)
        {
            return user.Identity?.IsAuthenticated == true || !presentedToken;
        }
        return Roles.Any(user.IsInRole);
    }
}

/// <summary>
/// The authorisation table: every staff operation of Routing (case work, cases, directory), Intake (staff intake,
/// data rights, attachments), Notifications (dead letters, partner webhooks) and Identity (staff accounts, partner clients), every
/// operation a partner may call (Intake's submission and taxonomy, import and partner complaints), with the scope it needs, and
/// the public gRPC operations that answer to the table's policy (Intake's submission, taxonomy, tracking access and
/// suggestion contacts,
/// Notifications' complainant preferences, Insights' suggestion view). Roles
/// and partner scopes are enforced for every row by the <see cref="Policies.StaffTable"/> policy, before the operation
/// runs; the case scope by the operation, through <see cref="Viewer.EnsureMayAct"/> after the need-to-know rule (staff)
/// or by its ownership check (<see cref="CaseScope.Own"/>). docs/security.md shows the same table; tests call every
/// staff row with every role, and with a partner token holding every scope.
/// </summary>
public static class StaffOperations
{
    private const string CaseWork = "complaints.routing.v1.CaseWorkService";
    private const string Cases = "complaints.routing.v1.CaseService";
    private const string Directory = "complaints.routing.v1.DirectoryService";
    private const string StaffIntake = "complaints.intake.v1.StaffIntakeService";
    private const string DataRights = "complaints.intake.v1.DataRightsService";
    private const string Attachments = "complaints.intake.v1.AttachmentService";
    private const string DeadLetters = "complaints.notifications.v1.DeadLetterService";
    private const string Webhooks = "complaints.notifications.v1.PartnerWebhookService";
    private const string Accounts = "complaints.identity.v1.StaffAccountService";
    private const string Partners = "complaints.identity.v1.PartnerClientService";
    private const string Profile = "complaints.identity.v1.StaffProfileService";
    private const string Intake = "complaints.intake.v1.IntakeService";
    private const string Import = "complaints.intake.v1.ImportService";
    private const string PartnerComplaints = "complaints.intake.v1.PartnerComplaintService";
    private const string ComplainantPreferences = "complaints.notifications.v1.PreferenceService";
    private const string Suggestions = "complaints.insights.v1.SuggestionService";
    private const string Surveys = "complaints.insights.v1.SurveyService";

    private static readonly string[] Staff = [Auth.Roles.Agent, Auth.Roles.Supervisor, Auth.Roles.Admin];
    private static readonly string[] Supervisors = [Auth.Roles.Supervisor, Auth.Roles.Admin];
    private static readonly string[] Admins = [Auth.Roles.Admin];
    private static readonly string[] People = [Auth.Roles.Agent, Auth.Roles.Supervisor, Auth.Roles.Admin, Auth.Roles.Analyst];

    public static readonly StaffOperation ListCases = new(CaseWork, "ListCases", Staff, CaseScope.None, "list cases", "confidential cases only for their circle");
    public static readonly StaffOperation WatchCases = new(CaseWork, "WatchCases", Staff, CaseScope.None, "watch a queue",
        "confidential cases only for their circle; one that leaves it is LEFT, with its reference only");
    public static readonly StaffOperation WatchCase = new(CaseWork, "WatchCase", Staff, CaseScope.Visible, "watch this case");
    public static readonly StaffOperation GetCase = new(Cases, "GetCase", Staff, CaseScope.Visible, "read this case");
    public static readonly StaffOperation AssignCase = new(CaseWork, "AssignCase", Staff, CaseScope.Supervisor, "assign or reassign this case",
        "an agent may take an unassigned case of its queue for themselves");
    public static readonly StaffOperation StartInvestigation = new(CaseWork, "StartInvestigation", Staff, CaseScope.Handler, "start investigating this case");
    public static readonly StaffOperation AddNote = new(CaseWork, "AddNote", Staff, CaseScope.Visible, "add an internal note", "colleagues may add what they know");
    public static readonly StaffOperation PostPublicUpdate = new(CaseWork, "PostPublicUpdate", Staff, CaseScope.Handler, "post an update to the complainant");
    public static readonly StaffOperation RequestInformation = new(CaseWork, "RequestInformation", Staff, CaseScope.Handler, "request information from the complainant");
    public static readonly StaffOperation RecordFindings = new(CaseWork, "RecordFindings", Staff, CaseScope.Handler, "record the findings");
    public static readonly StaffOperation ProposeResolution = new(CaseWork, "ProposeResolution", Staff, CaseScope.Handler, "propose a resolution");
    public static readonly StaffOperation DecideResolution = new(CaseWork, "DecideResolution", Staff, CaseScope.Supervisor, "approve or reject a resolution",
        "never the person who proposed it");
    public static readonly StaffOperation GetFinalResponseRequirements = new(CaseWork, "GetFinalResponseRequirements", Staff, CaseScope.Visible, "read the final response requirements");
    public static readonly StaffOperation SendFinalResponse = new(CaseWork, "SendFinalResponse", Staff, CaseScope.Handler, "send the final response");
    public static readonly StaffOperation CloseCase = new(CaseWork, "CloseCase", Staff, CaseScope.Handler, "close this case");
    public static readonly StaffOperation ReopenCase = new(CaseWork, "ReopenCase", Staff, CaseScope.Handler, "reopen this case");
    public static readonly StaffOperation EscalateCase = new(CaseWork, "EscalateCase", Staff, CaseScope.Handler, "escalate this case");
    public static readonly StaffOperation OverrideSeverity = new(CaseWork, "OverrideSeverity", Staff, CaseScope.Handler, "change the severity",
        "lowering it needs a supervisor of the case");
    public static readonly StaffOperation ExtendStatutoryDeadline = new(CaseWork, "ExtendStatutoryDeadline", Staff, CaseScope.Handler, "extend the statutory deadline");

    public static readonly StaffOperation UpsertAgent = new(Directory, "UpsertAgent", Admins, CaseScope.None, "change the directory");
    public static readonly StaffOperation ListAgents = new(Directory, "ListAgents", Staff, CaseScope.None, "read the directory");
    public static readonly StaffOperation UpsertQueue = new(Directory, "UpsertQueue", Admins, CaseScope.None, "change the directory");
    public static readonly StaffOperation ListQueues = new(Directory, "ListQueues", Staff, CaseScope.None, "read the directory");
    public static readonly StaffOperation GetRoutingRules = new(Directory, "GetRoutingRules", Staff, CaseScope.None, "read the routing rules");
    public static readonly StaffOperation ReplaceRoutingRules = new(Directory, "ReplaceRoutingRules", Admins, CaseScope.None, "change the routing rules");

    public static readonly StaffOperation SearchComplaints = new(StaffIntake, "SearchComplaints", Staff, CaseScope.None, "search complaints",
        "confidential complaints (and duplicate links to them) only for their circle");
    public static readonly StaffOperation GetComplaintContact = new(StaffIntake, "GetComplaintContact", Staff, CaseScope.Visible, "read the complainant's contact data");
    public static readonly StaffOperation GetComplaintForStaff = new(StaffIntake, "GetComplaintForStaff", Staff, CaseScope.Visible, "read the complaint's words",
        "no contact data; audited, with the purpose when given");
    public static readonly StaffOperation ListAccessAudit = new(StaffIntake, "ListAccessAudit", Staff, CaseScope.Supervisor, "read the access audit",
        "who read the complaint's contact, words and documents, when and why");
    public static readonly StaffOperation MergeComplaints = new(StaffIntake, "MergeComplaints", Staff, CaseScope.Handler, "merge this complaint",
        "the handler scope applies to the duplicate, whose case closes; the primary must be visible; confidential only with confidential");

    public static readonly StaffOperation EraseComplainant = new(DataRights, "EraseComplainant", Admins, CaseScope.None, "erase a complainant");
    public static readonly StaffOperation ExportComplainantData = new(DataRights, "ExportComplainantData", Admins, CaseScope.None, "export a complainant's data");
    public static readonly StaffOperation SetLegalHold = new(DataRights, "SetLegalHold", Supervisors, CaseScope.Visible, "set or release a legal hold");

    public static readonly StaffOperation UploadAttachment = new(Attachments, "UploadAttachment", Staff, CaseScope.Visible, "add a document") { Complainant = true };
    public static readonly StaffOperation ListAttachments = new(Attachments, "ListAttachments", Staff, CaseScope.Visible, "list the documents");
    public static readonly StaffOperation DownloadAttachment = new(Attachments, "DownloadAttachment", Staff, CaseScope.Visible, "read a document");

    public static readonly StaffOperation ListDeadLetters = new(DeadLetters, "ListDeadLetters", Supervisors, CaseScope.None, "list dead letters",
        "confidential complaints' messages only for their circle");
    public static readonly StaffOperation ReplayDeadLetter = new(DeadLetters, "ReplayDeadLetter", Supervisors, CaseScope.Visible, "replay a dead letter",
        "a replay sends to a real person");

    public static readonly StaffOperation GetWebhook = new(Webhooks, "GetWebhook", Admins, CaseScope.None, "read a partner's webhook", "never its secret");
    public static readonly StaffOperation SetWebhookUrl = new(Webhooks, "SetWebhookUrl", Admins, CaseScope.None, "set a partner's webhook address");
    public static readonly StaffOperation RotateWebhookSecret = new(Webhooks, "RotateWebhookSecret", Admins, CaseScope.None,
        "rotate a partner's webhook signing secret", "the new secret is shown once; the previous one signs too for the overlap, Notifications:WebhookSecretOverlap at most");
    public static readonly StaffOperation SetWebhookDisabled = new(Webhooks, "SetWebhookDisabled", Admins, CaseScope.None, "disable or enable a partner's webhook");

    public static readonly StaffOperation CreateAccount = new(Accounts, "CreateAccount", Admins, CaseScope.None, "create a staff account", "staff roles only: never service or partner");
    public static readonly StaffOperation GetMyProfile = new(Profile, "GetMyProfile", People, CaseScope.None, "read one's own staff profile",
        "the caller's own account only (the token's subject)");
    public static readonly StaffOperation SetMyLanguage = new(Profile, "SetMyLanguage", People, CaseScope.None, "choose one's console language",
        "the caller's own account only (the token's subject)");
    public static readonly StaffOperation ListAccounts = new(Accounts, "ListAccounts", Admins, CaseScope.None, "list staff accounts");
    public static readonly StaffOperation SetRoles = new(Accounts, "SetRoles", Admins, CaseScope.None, "change a staff member's roles", "staff roles only: never service or partner");
    public static readonly StaffOperation SetDisabled = new(Accounts, "SetDisabled", Admins, CaseScope.None, "disable or enable a staff account");
    public static readonly StaffOperation ForceSignOut = new(Accounts, "ForceSignOut", Admins, CaseScope.None, "sign a staff member out everywhere",
        "refresh tokens revoked at once, the Identity session within Identity:SessionValidationInterval; access tokens expire within 15 minutes");

    public static readonly StaffOperation RegisterPartnerClient = new(Partners, "RegisterPartnerClient", Admins, CaseScope.None, "register a partner client",
        "its tokens carry the partner role only; the secret is shown once");
    public static readonly StaffOperation ListPartnerClients = new(Partners, "ListPartnerClients", Admins, CaseScope.None, "list partner clients", "never a secret");
    public static readonly StaffOperation GetPartnerClient = new(Partners, "GetPartnerClient", Admins, CaseScope.None, "read a partner client", "never a secret");
    public static readonly StaffOperation RotatePartnerClientSecret = new(Partners, "RotatePartnerClientSecret", Admins, CaseScope.None,
        "rotate a partner client's secret", "the previous secret works for the overlap, Identity:Partners:SecretOverlap at most");
    public static readonly StaffOperation SetPartnerClientDisabled = new(Partners, "SetPartnerClientDisabled", Admins, CaseScope.None,
        "disable or enable a partner client", "disabling revokes the tokens Identity stored for it and stops its webhook deliveries");
    public static readonly StaffOperation SetPartnerWebhook = new(Partners, "SetPartnerWebhook", Admins, CaseScope.None,
        "set or remove a partner client's webhook address", "handed to Notifications on Identity's feed");

    public static readonly StaffOperation SubmitComplaint = new(Intake, "SubmitComplaint", [], CaseScope.None, "submit a complaint",
        "a partner token without the scope is refused, never taken as anonymous; so is a token that does not validate")
    { Public = true, PartnerScope = PartnerScopes.Submit };
    public static readonly StaffOperation GetTaxonomy = new(Intake, "GetTaxonomy", [], CaseScope.None, "read the categories and limits",
        "labels in the requested language, the default jurisdiction and the attachment limits; no complaint data")
    { Public = true, PartnerScope = PartnerScopes.Submit };
    public static readonly StaffOperation RequestTrackingAccess = new(Intake, "RequestTrackingAccess", [], CaseScope.None, "ask for a new tracking token",
        "the same answer whether anything matched or not; the token goes only to the complaint's matching email or phone, through Notifications")
    { Public = true };
    public static readonly StaffOperation RegisterSuggestionContact = new(Intake, "RegisterSuggestionContact", [], CaseScope.None,
        "leave an email to hear back about a suggestion", "answers with an opaque contact id for SubmitSuggestion; the address stays in Intake, encrypted")
    { Public = true };
    public static readonly StaffOperation ImportComplaints = new(Import, "ImportComplaints", Supervisors, CaseScope.None, "import historical complaints",
        "staff imports share one source; each partner has its own")
    { PartnerScope = PartnerScopes.Import };
    public static readonly StaffOperation ListPartnerComplaints = new(PartnerComplaints, "ListPartnerComplaints", [], CaseScope.None, "list its complaints",
        "only the complaints the partner submitted or imported, confidential ones included")
    { PartnerScope = PartnerScopes.Read };
    public static readonly StaffOperation GetPartnerComplaint = new(PartnerComplaints, "GetPartnerComplaint", [], CaseScope.Own, "track its complaint",
        "the complainant's tracking view, without the tracking token")
    { PartnerScope = PartnerScopes.Read };

    public static readonly StaffOperation GetPreferences = new(ComplainantPreferences, "GetPreferences", [], CaseScope.None, "read a complaint's message preferences",
        "the web portal's preferences page: the token of a message's link is the credential")
    { Public = true };
    public static readonly StaffOperation Unsubscribe = new(ComplainantPreferences, "Unsubscribe", [], CaseScope.None, "stop a complaint's messages that are not owed",
        "the token of a message's link is the credential; mail clients' one-click unsubscribe stays POST /api/v1/notifications/unsubscribe")
    { Public = true };
    public static readonly StaffOperation SetPreferences = new(ComplainantPreferences, "SetPreferences", [], CaseScope.None, "choose a complaint's message channels",
        "the token of a message's link is the credential")
    { Public = true };
    public static readonly StaffOperation SubmitSuggestion = new(Suggestions, "SubmitSuggestion", [], CaseScope.None, "make a suggestion or give town-hall input",
        "answers with a reference and an access code; an optional contact id from RegisterSuggestionContact, never an address")
    { Public = true };
    public static readonly StaffOperation ViewSuggestion = new(Suggestions, "ViewSuggestion", [], CaseScope.None, "read a suggestion and its response",
        "with its reference and access code (the code only in the body); a wrong code and an unknown reference are the same NotFound")
    { Public = true };
    public static readonly StaffOperation GetSurvey = new(Surveys, "GetSurvey", [], CaseScope.None, "read a satisfaction survey's questions",
        "the single-use token of the survey email's link is the credential; no complaint data but the reference")
    { Public = true };
    public static readonly StaffOperation SubmitSurvey = new(Surveys, "SubmitSurvey", [], CaseScope.None, "answer a satisfaction survey",
        "the single-use token is the credential: answered once, then FailedPrecondition; after expiry or withdrawal too")
    { Public = true };

    public static readonly IReadOnlyList<StaffOperation> All =
    [
        ListCases, WatchCases, WatchCase, GetCase, AssignCase, StartInvestigation, AddNote, PostPublicUpdate, RequestInformation, RecordFindings,
        ProposeResolution, DecideResolution, GetFinalResponseRequirements, SendFinalResponse, CloseCase, ReopenCase, EscalateCase,
        OverrideSeverity, ExtendStatutoryDeadline,
        UpsertAgent, ListAgents, UpsertQueue, ListQueues, GetRoutingRules, ReplaceRoutingRules,
        SearchComplaints, GetComplaintContact, GetComplaintForStaff, ListAccessAudit, MergeComplaints,
        EraseComplainant, ExportComplainantData, SetLegalHold,
        UploadAttachment, ListAttachments, DownloadAttachment,
        ListDeadLetters, ReplayDeadLetter,
        GetWebhook, SetWebhookUrl, RotateWebhookSecret, SetWebhookDisabled,
        CreateAccount, ListAccounts, SetRoles, SetDisabled, ForceSignOut, GetMyProfile, SetMyLanguage,
        RegisterPartnerClient, ListPartnerClients, GetPartnerClient, RotatePartnerClientSecret, SetPartnerClientDisabled,
        SetPartnerWebhook,
        SubmitComplaint, GetTaxonomy, RequestTrackingAccess, RegisterSuggestionContact, ImportComplaints, ListPartnerComplaints, GetPartnerComplaint,
        GetPreferences, Unsubscribe, SetPreferences,
        SubmitSuggestion, ViewSuggestion, GetSurvey, SubmitSurvey,
    ];

    private static readonly Dictionary<string, StaffOperation> ByPath = All.ToDictionary(o => o.Path, StringComparer.Ordinal);

    public static StaffOperation? Find(string path) => ByPath.GetValueOrDefault(path);
}

/// <summary>
/// The <see cref="Policies.StaffTable"/> requirement: the row of the called method admits the caller (<see cref="StaffOperation.Admits"/>):
/// one of its roles, a partner with its scope, or anyone on a public row.
/// </summary>
public sealed class StaffTableRequirement : AuthorizationHandler<StaffTableRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffTableRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var method = http?.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName;
        // A method missing from the table is refused: a new operation is closed until it has a row.
        if (method is not null && StaffOperations.Find(method) is { } row && row.Admits(context.User, http!.Request.Headers.Authorization.Count > 0))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
