using Complaints.LoadGen;

return await LoadGenCommandLine.InvokeAsync(args, RunAsync, Console.Out, Console.Error);

static async Task<int> RunAsync(LoadOptions options)
{
    var result = await LoadRun.RunAsync(options);
    Console.WriteLine(result.Summary());
    return result.Errors == 0 && result.Unacknowledged == 0 ? 0 : 1;
}
