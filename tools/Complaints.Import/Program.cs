using Complaints.Import;

if (ImportOptions.IsHelp(args))
{
    Console.Out.WriteLine(ImportOptions.Usage);
    return ExitCodes.Ok;
}

ImportOptions options;
try
{
    options = ImportOptions.Parse(args);
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(ImportOptions.Usage);
    return ExitCodes.UsageOrConnection;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await ImportRun.RunAsync(options, Console.Out, Console.Error, cancel.Token);
