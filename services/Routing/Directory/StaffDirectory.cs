using System.Text.RegularExpressions;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Complaints.Routing.Directory;

/// <summary>
/// Agents, queues and the routing rules. The default queue "general" always exists: it is stored at the
/// first write that needs it and reported by reads before that, so no start-up seeding races the migrations.
/// </summary>
public sealed partial class StaffDirectory(RoutingDbContext db, TimeProvider clock)
{
    public const string DefaultQueueId = "general";
    public const int MaxCapacity = 500;
    private const int MaxRules = 200;

    private static readonly CaseStatus[] OpenStatuses = Enum.GetValues<CaseStatus>().Where(CaseStateMachine.IsOpen).ToArray();
    private static readonly int[] OpenStatusValues = OpenStatuses.Select(s => (int)s).ToArray();

    public static IReadOnlyList<int> OpenStatusCodes => OpenStatusValues;

    // ---- Agents ----

    public async Task<Agent> UpsertAgentAsync(Agent request, CancellationToken ct)
    {
        var v = new Validator();
        var id = AgentId(v, "id", request.Id);
        var name = v.Text("displayName", request.DisplayName?.Trim(), 1, 200, allowNewlines: false);
        for (var i = 0; i < request.Languages.Count; i++)
        {
            if (!IsLanguageTag(request.Languages[i]))
            {
                v.Add($"languages[{i}]", "must be a BCP 47 language tag, e.g. en or ko-KR");
            }
        }
        for (var i = 0; i < request.Categories.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(request.Categories[i]) || request.Categories[i].Trim().Length > 128 || request.Categories[i].Contains(','))
            {
                v.Add($"categories[{i}]", "must be a category code (1 to 128 characters, no commas)");
            }
        }
        if (request.Capacity is < 0 or > MaxCapacity)
        {
            v.Add("capacity", $"must be between 0 and {MaxCapacity}");
        }
        for (var i = 0; i < request.Absences.Count; i++)
        {
            var a = request.Absences[i];
            if (a.From is null)
            {
                v.Add($"absences[{i}].from", "is required");
            }
            if (a.Until is null)
            {
                v.Add($"absences[{i}].until", "is required");
            }
            else if (a.From is not null && a.From.ToDateTimeOffset() >= a.Until.ToDateTimeOffset())
            {
                v.Add($"absences[{i}].until", "must be after from");
            }
        }
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (email is not null && (email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email))
        {
            v.Add("email", "must be an email address (at most 254 characters)");
        }
        var queues = await QueueIdsAsync(ct);
        for (var i = 0; i < request.QueueIds.Count; i++)
        {
            if (!queues.Contains(request.QueueIds[i]))
            {
                v.Add($"queueIds[{i}]", $"no queue {request.QueueIds[i]}");
            }
        }
        v.ThrowIfInvalid();

        var agent = await db.Set<StaffAgent>().Include(a => a.Absences).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (agent is null)
        {
            agent = new StaffAgent { Id = id, DisplayName = name };
            db.Add(agent);
        }
        agent.DisplayName = name;
        agent.Languages = Join(request.Languages.Select(l => l.Trim()));
        agent.Categories = Join(request.Categories.Select(c => c.Trim()));
        agent.QueueIds = Join(request.QueueIds);
        agent.Capacity = request.Capacity;
        agent.Active = request.Active;
        agent.Email = email;
        // Absences are replaced as a whole, like the rest of the record.
        db.RemoveRange(agent.Absences);
        agent.Absences = request.Absences
            .Select(a => new AgentAbsence { AgentId = id, From = a.From.ToDateTimeOffset(), Until = a.Until.ToDateTimeOffset() }).ToList();
        await EnsureDefaultQueueAsync(ct);
        await db.SaveChangesAsync(ct);
        return ToProto(agent, await OpenCasesAsync([id], ct));
    }

    public async Task<ListAgentsResponse> ListAgentsAsync(string? queueId, CancellationToken ct)
    {
        // The directory is small (staff, not cases): filter the comma lists in memory.
        var agents = (await db.Set<StaffAgent>().AsNoTracking().Include(a => a.Absences).OrderBy(a => a.Id).ToListAsync(ct))
            .Where(a => string.IsNullOrEmpty(queueId) || Split(a.QueueIds).Contains(queueId))
            .ToList();
        var load = await OpenCasesAsync(agents.Select(a => a.Id).ToList(), ct);
        var response = new ListAgentsResponse();
        response.Agents.AddRange(agents.Select(a => ToProto(a, load)));
        return response;
    }

    /// <summary>
    /// Sets an agent's active flag and nothing else: the same change as <see cref="UpsertAgentAsync"/> with
    /// <c>active</c> toggled. An inactive agent gets no new assignments (<see cref="CaseRouter.PickAgentAsync"/>) nor
    /// staff alerts, and keeps its open cases until a supervisor reassigns them. The caller saves. Null: no such agent.
    /// </summary>
    public static async Task<StaffAgent?> SetActiveAsync(RoutingDbContext db, string agentId, bool active, CancellationToken ct)
    {
        // FindAsync looks in the context first: an earlier event of the same batch may have changed the agent.
        var agent = await db.Set<StaffAgent>().FindAsync([agentId], ct);
        if (agent is not null)
        {
            agent.Active = active;
        }
        return agent;
    }

    /// <summary>Open cases per assignee: the load the capacity is measured against.</summary>
    public Task<Dictionary<string, int>> OpenCasesAsync(IReadOnlyCollection<string> agentIds, CancellationToken ct) => OpenCasesAsync(db, agentIds, ct);

    public static async Task<Dictionary<string, int>> OpenCasesAsync(RoutingDbContext db, IReadOnlyCollection<string> agentIds, CancellationToken ct) =>
        (await db.Cases.Where(c => c.AssigneeId != null && agentIds.Contains(c.AssigneeId) && OpenStatusValues.Contains(c.Status))
            .GroupBy(c => c.AssigneeId!).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
        .ToDictionary(x => x.Key, x => x.Count);

    private static Agent ToProto(StaffAgent a, IReadOnlyDictionary<string, int> load)
    {
        var agent = new Agent
        {
            Id = a.Id,
            DisplayName = a.DisplayName,
            Capacity = a.Capacity,
            Active = a.Active,
            OpenCases = load.GetValueOrDefault(a.Id),
            Email = a.Email ?? "",
        };
        agent.Languages.AddRange(Split(a.Languages));
        agent.Categories.AddRange(Split(a.Categories));
        agent.QueueIds.AddRange(Split(a.QueueIds));
        agent.Absences.AddRange(a.Absences.OrderBy(x => x.From).Select(x => new Absence { From = Timestamp.FromDateTimeOffset(x.From), Until = Timestamp.FromDateTimeOffset(x.Until) }));
        return agent;
    }

    /// <summary>An active agent's alert address, or empty: nothing to send.</summary>
    public async Task<string> AlertAddressAsync(string agentId, CancellationToken ct)
    {
        var v = new Validator();
        var id = AgentId(v, "agentId", agentId);
        v.ThrowIfInvalid();
        return await db.Set<StaffAgent>().AsNoTracking().Where(a => a.Id == id && a.Active).Select(a => a.Email).FirstOrDefaultAsync(ct) ?? "";
    }

    // ---- Queues ----

    public async Task<Queue> UpsertQueueAsync(Queue request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var id = QueueId(v, "id", request.Id);
        var name = v.Text("name", request.Name?.Trim(), 1, 200, allowNewlines: false);
        var agents = await AgentIdsAsync(ct);
        if (request.DesignatedContactId is { Length: > 0 } contact && !agents.Contains(contact))
        {
            v.Add("designatedContactId", $"no agent {contact}");
        }
        for (var i = 0; i < request.SupervisorIds.Count; i++)
        {
            if (!agents.Contains(request.SupervisorIds[i]))
            {
                v.Add($"supervisorIds[{i}]", $"no agent {request.SupervisorIds[i]}");
            }
        }
        v.ThrowIfInvalid();
        var queue = await db.Set<CaseQueue>().FirstOrDefaultAsync(q => q.Id == id, ct);
        if (queue is null)
        {
            queue = new CaseQueue { Id = id, Name = name };
            db.Add(queue);
        }
        queue.Name = name;
        queue.DesignatedContactId = request.DesignatedContactId is { Length: > 0 } d ? d : null;
        queue.SupervisorIds = Join(request.SupervisorIds);
        // Intake reads the queue's supervisors from the feed: the confidential circle is the same in both contexts.
        db.AppendEvent(new QueueUpdated
        {
            QueueId = queue.Id,
            Name = queue.Name,
            SupervisorIds = { Split(queue.SupervisorIds) },
            DesignatedContactId = queue.DesignatedContactId ?? "",
            At = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            Actor = actor,
        }, "queue/" + queue.Id, clock);
        await db.SaveChangesAsync(ct);
        return ToProto(queue);
    }

    public async Task<ListQueuesResponse> ListQueuesAsync(CancellationToken ct)
    {
        var response = new ListQueuesResponse();
        response.Queues.AddRange((await QueuesAsync(ct)).Select(ToProto));
        return response;
    }

    /// <summary>Every queue, the default one included even before it is stored.</summary>
    public async Task<List<CaseQueue>> QueuesAsync(CancellationToken ct)
    {
        var queues = await db.Set<CaseQueue>().AsNoTracking().OrderBy(q => q.Id).ToListAsync(ct);
        if (!queues.Any(q => q.Id == DefaultQueueId))
        {
            queues.Insert(0, DefaultQueue());
        }
        return queues;
    }

    public async Task<CaseQueue?> FindQueueAsync(string id, CancellationToken ct) =>
        await db.Set<CaseQueue>().FirstOrDefaultAsync(q => q.Id == id, ct) ?? (id == DefaultQueueId ? DefaultQueue() : null);

    /// <summary>The queues whose supervisors include <paramref name="agentId"/>.</summary>
    public async Task<List<string>> QueuesSupervisedByAsync(string? agentId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(agentId))
        {
            return [];
        }
        // A cheap pre-filter in SQL; the exact match on the comma list is done here.
        var candidates = await db.Set<CaseQueue>().AsNoTracking().Where(q => q.SupervisorIds.Contains(agentId)).ToListAsync(ct);
        return candidates.Where(q => Split(q.SupervisorIds).Contains(agentId)).Select(q => q.Id).ToList();
    }

    private async Task EnsureDefaultQueueAsync(CancellationToken ct)
    {
        if (db.ChangeTracker.Entries<CaseQueue>().All(e => e.Entity.Id != DefaultQueueId)
            && !await db.Set<CaseQueue>().AnyAsync(q => q.Id == DefaultQueueId, ct))
        {
            db.Add(DefaultQueue());
        }
    }

    private static CaseQueue DefaultQueue() => new() { Id = DefaultQueueId, Name = "General" };

    private async Task<HashSet<string>> QueueIdsAsync(CancellationToken ct) => (await QueuesAsync(ct)).Select(q => q.Id).ToHashSet(StringComparer.Ordinal);

    private async Task<HashSet<string>> AgentIdsAsync(CancellationToken ct) =>
        (await db.Set<StaffAgent>().AsNoTracking().Select(a => a.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

    public static Queue ToProto(CaseQueue q)
    {
        var queue = new Queue { Id = q.Id, Name = q.Name, DesignatedContactId = q.DesignatedContactId ?? "" };
        queue.SupervisorIds.AddRange(Split(q.SupervisorIds));
        return queue;
    }

    // ---- Routing rules ----

    public const int RuleSetId = 1;

    public async Task<RoutingRules> RulesAsync(CancellationToken ct)
    {
        var stored = await db.Set<RoutingRuleSet>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == RuleSetId, ct);
        // No rules yet: everything goes to the default queue.
        return stored is null ? new RoutingRules { DefaultQueueId = DefaultQueueId } : RulesParser.Parse(stored.Json);
    }

    public async Task<RoutingRules> ReplaceRulesAsync(RoutingRules request, string actor, CancellationToken ct)
    {
        var rules = request.Clone();
        if (string.IsNullOrWhiteSpace(rules.DefaultQueueId))
        {
            rules.DefaultQueueId = DefaultQueueId;
        }
        var queues = await QueueIdsAsync(ct);
        var agents = await AgentIdsAsync(ct);
        var v = new Validator();
        if (!queues.Contains(rules.DefaultQueueId))
        {
            v.Add("defaultQueueId", $"no queue {rules.DefaultQueueId}");
        }
        if (rules.Rules.Count > MaxRules)
        {
            v.Add("rules", $"at most {MaxRules} rules");
        }
        for (var i = 0; i < rules.Rules.Count; i++)
        {
            ValidateRule(v, $"rules[{i}]", rules.Rules[i], queues, agents);
        }
        v.ThrowIfInvalid();
        var json = JsonFormatter.Default.Format(rules);
        var stored = await db.Set<RoutingRuleSet>().FirstOrDefaultAsync(r => r.Id == RuleSetId, ct);
        if (stored is null)
        {
            stored = new RoutingRuleSet { Id = RuleSetId, Json = json, UpdatedBy = actor };
            db.Add(stored);
        }
        stored.Json = json;
        stored.UpdatedBy = actor;
        stored.UpdatedAt = clock.GetUtcNow();
        await EnsureDefaultQueueAsync(ct);
        await db.SaveChangesAsync(ct);
        return rules;
    }

    private static void ValidateRule(Validator v, string at, RoutingRule rule, HashSet<string> queues, HashSet<string> agents)
    {
        if (rule.Name.Length > 200)
        {
            v.Add($"{at}.name", "at most 200 characters");
        }
        for (var j = 0; j < rule.Categories.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(rule.Categories[j]))
            {
                v.Add($"{at}.categories[{j}]", "must not be empty");
            }
        }
        Defined(v, $"{at}.channels", rule.Channels);
        Defined(v, $"{at}.jurisdictions", rule.Jurisdictions);
        Defined(v, $"{at}.complainantKinds", rule.ComplainantKinds);
        if (!Enum.IsDefined(rule.MinSeverity))
        {
            v.Add($"{at}.minSeverity", "is not a severity");
        }
        for (var j = 0; j < rule.Languages.Count; j++)
        {
            if (!IsLanguageTag(rule.Languages[j]))
            {
                v.Add($"{at}.languages[{j}]", "must be a BCP 47 language tag or prefix, e.g. ko or en-GB");
            }
        }
        if (string.IsNullOrWhiteSpace(rule.QueueId))
        {
            v.Add($"{at}.queueId", "is required");
        }
        else if (!queues.Contains(rule.QueueId))
        {
            v.Add($"{at}.queueId", $"no queue {rule.QueueId}");
        }
        if (rule.DesignatedContactId is { Length: > 0 } contact && !agents.Contains(contact))
        {
            v.Add($"{at}.designatedContactId", $"no agent {contact}");
        }
    }

    private static void Defined<T>(Validator v, string at, IList<T> values) where T : struct, System.Enum
    {
        for (var j = 0; j < values.Count; j++)
        {
            if (!Enum.IsDefined(values[j]) || Convert.ToInt32(values[j], System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                v.Add($"{at}[{j}]", $"is not a defined {typeof(T).Name} value");
            }
        }
    }

    // ---- Formats ----

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@:\-]{0,199}$")]
    private static partial Regex AgentIdPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_\-]{0,63}$")]
    private static partial Regex QueueIdPattern();

    // language[-script][-region](-variant)*; case-insensitive as BCP 47 is.
    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")]
    private static partial Regex LanguagePattern();

    public static bool IsLanguageTag(string? value) => value is { Length: > 0 and <= 35 } && LanguagePattern().IsMatch(value.Trim());

    private static string AgentId(Validator v, string field, string? value)
    {
        if (string.IsNullOrEmpty(value) || !AgentIdPattern().IsMatch(value))
        {
            v.Add(field, "must be the agent's token subject: 1 to 200 letters, digits or . _ @ : -");
        }
        return value ?? "";
    }

    private static string QueueId(Validator v, string field, string? value)
    {
        if (string.IsNullOrEmpty(value) || !QueueIdPattern().IsMatch(value))
        {
            v.Add(field, "must be 1 to 64 lower-case letters, digits, _ or -, starting with a letter or digit");
        }
        return value ?? "";
    }

    public static string[] Split(string? list) => string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Join(IEnumerable<string> values) => string.Join(",", values.Where(x => x.Length > 0).Distinct(StringComparer.Ordinal));
}

/// <summary>The stored rule set is the proto's JSON: one format for the API and the database.</summary>
public static class RulesParser
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static RoutingRules Parse(string json) => Parser.Parse<RoutingRules>(json);
}
