using PusherWire.Cli;

// listen's NDJSON goes to the stdout stream as bytes (buffered and flushed by EventWriter); the rest through Console.Out.
await using Stream rawStdout = Console.OpenStandardOutput();
return await CliApp.RunAsync(args, Console.Out, Console.Error, isTerminal: !Console.IsOutputRedirected, rawStdout: rawStdout).ConfigureAwait(false);
