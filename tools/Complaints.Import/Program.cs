using Complaints.Import;

return await ImportCommandLine.InvokeAsync(args, RunAsync, Console.Out, Console.Error);

static async Task<int> RunAsync(ImportOptions options)
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    return await ImportRun.RunAsync(options, Console.Out, Console.Error, cancel.Token);
}
