namespace Complaints.Launcher;

/// <summary><c>sign-in</c>: a staff member's access token for calling staff APIs from a terminal.</summary>
internal static class SignInCommand
{
    public static async Task<int> RunAsync(SignInArguments args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            var token = await CliSignIn.SignInAsync(args.Provider, args.CallbackPort,
                url => Console.Error.WriteLine($"Open this address in your browser and sign in (waiting 5 minutes):{Environment.NewLine}  {url}"),
                timeout.Token);
            // Only the token on stdout, so that TOKEN=$(... sign-in) works; it lasts 15 minutes.
            Console.Out.WriteLine(token);
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("No sign-in within 5 minutes.");
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or System.Net.HttpListenerException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
