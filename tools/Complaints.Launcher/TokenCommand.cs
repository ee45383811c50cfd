namespace Complaints.Launcher;

/// <summary><c>token</c>: prints a JWT signed with the local key, for calling staff APIs on a local run.</summary>
internal static class TokenCommand
{
    public static int Run(TokenArguments args)
    {
        var data = Path.GetFullPath(args.DataDirectory ?? Path.Combine(RepositoryLocator.FindRoot(), ".data"));
        var secrets = LocalSecrets.LoadOrCreate(data);
        if (args.Roles.Contains(ServiceDefaults.Auth.Roles.Service))
        {
            Console.Error.WriteLine("warning: the 'service' role is for service-to-service calls only.");
        }
        // Only the token on stdout, so that TOKEN=$(... token ...) works.
        Console.Out.WriteLine(secrets.IssueToken(args.Subject, args.Roles, args.Lifetime));
        return 0;
    }
}
