namespace Complaints.Launcher;

// A named class, not top-level statements: projects that reference the launcher (TestSupport) also reference a
// service whose public Program the web test hosts use, and two global Program types would clash.
internal static class LauncherProgram
{
    public static Task<int> Main(string[] args) =>
        LauncherCommandLine.InvokeAsync(args, RunCommand.RunAsync, SignInCommand.RunAsync, Console.Out, Console.Error);
}
