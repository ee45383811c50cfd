namespace Complaints.Launcher;

// A named class, not top-level statements: projects that reference the launcher (TestSupport) also reference a
// service whose public Program the web test hosts use, and two global Program types would clash.
internal static class LauncherProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            return CommandLine.Parse(args) switch
            {
                TokenArguments token => TokenCommand.Run(token),
                RunArguments run => await RunCommand.RunAsync(run),
                _ => Help(),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine("Try --help.");
            return 2;
        }
    }

    private static int Help()
    {
        Console.WriteLine(CommandLine.Usage);
        return 0;
    }
}
