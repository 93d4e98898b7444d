using System.Text;
using PusherWire.Cli;
using PusherWire.Cli.Output;

// listen's NDJSON goes to the stdout stream as bytes (buffered and flushed by EventWriter); the rest through a writer
// on the same stream. Both end the process quietly (exit 0) when stdout is a pipe whose reader has gone (`| head`).
await using Stream rawStdout = ClosedStdoutGuard.OpenStdout();
await using var stdout = new StreamWriter(rawStdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1024, leaveOpen: true) { AutoFlush = true };
return await CliApp.RunAsync(args, stdout, Console.Error, isTerminal: !Console.IsOutputRedirected, rawStdout: rawStdout).ConfigureAwait(false);
