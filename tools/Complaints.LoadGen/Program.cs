using Complaints.LoadGen;

var options = LoadOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
var result = await LoadRun.RunAsync(options);
Console.WriteLine(result.Summary());
return result.Errors == 0 && result.Unacknowledged == 0 ? 0 : 1;
