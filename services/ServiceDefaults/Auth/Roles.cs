namespace Complaints.ServiceDefaults.Auth;

/// <summary>The platform's roles, carried in the JWT "role" claim.</summary>
public static class Roles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string Partner = "partner";

    /// <summary>Service-to-service calls (internal operations and event feeds); never given to people.</summary>
    public const string Service = "service";

    public static readonly string[] All = [Agent, Supervisor, Admin, Analyst, Partner, Service];
}

/// <summary>Authorization policies used on gRPC services and methods.</summary>
public static class Policies
{
    public const string Staff = "staff";
    public const string Analytics = "analytics";
    public const string Internal = "internal";

    /// <summary>The roles and partner scope <see cref="StaffOperations"/> gives the called method (anyone, on a public row).</summary>
    public const string StaffTable = "staff-table";
}
