using Complaints.Launcher;

return await LauncherCommandLine.InvokeAsync(args, RunCommand.RunAsync, TokenCommand.Run, Console.Out, Console.Error);
