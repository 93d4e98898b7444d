using PusherWire.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error, isTerminal: !Console.IsOutputRedirected).ConfigureAwait(false);
