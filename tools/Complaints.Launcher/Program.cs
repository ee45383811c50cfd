using Complaints.Launcher;

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

static int Help()
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}
