using System.CommandLine;
using PusherWire.Cli.Demo;
using PusherWire.Cli.Listen;

namespace PusherWire.Cli;

/// <summary>The <c>pusherwire</c> command line: builds the commands and runs one with the given streams.</summary>
internal static class CliApp
{
    /// <summary>Runs the CLI; everything is written to <paramref name="stdout"/> and <paramref name="stderr"/> (tests pass their own).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="stdout">Records and results.</param>
    /// <param name="stderr">Diagnostics.</param>
    /// <param name="isTerminal">Whether stdout is a terminal (picks the default --format).</param>
    /// <param name="environment">Reads environment variables (default <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <param name="cancellationToken">
    /// Stops a running command like Ctrl+C does. When the caller passes a cancelable token it owns termination, and the
    /// CLI does not install its own Ctrl+C/SIGTERM handlers.
    /// </param>
    /// <param name="rawStdout">The process's stdout as bytes, for <c>listen</c>'s NDJSON (null: everything goes through <paramref name="stdout"/>).</param>
    /// <returns>The process exit code (<see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        bool isTerminal,
        Func<string, string?>? environment = null,
        Stream? rawStdout = null,
        CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("PusherWire: a Pusher-protocol client for ChatApp's real-time API events.")
        {
            ListenCommand.Create(stdout, rawStdout, stderr, isTerminal, environment ?? Environment.GetEnvironmentVariable),
            ServeCommand.Create(stdout, stderr),
            DemoCommand.Create(stdout, stderr, isTerminal),
            PusherWire.Cli.Bench.BenchCommand.Create(stdout, stderr),
            PusherWire.Cli.Bench.BenchBridgeCommand.Create(stdout, stderr),
            PusherWire.Cli.Token.TokenCommand.Create(stdout, stderr, environment ?? Environment.GetEnvironmentVariable),
            PusherWire.Cli.Bridge.BridgeCommand.Create(stdout, stderr, environment ?? Environment.GetEnvironmentVariable),
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'pusherwire --help' for usage.").ConfigureAwait(false);
            return ExitCodes.BadArguments;
        }

        try
        {
            var configuration = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                // Exceptions are ours to map to exit codes (the default handler prints a stack trace and returns 1).
                EnableDefaultExceptionHandler = false,
                // Ctrl+C/SIGTERM cancel the command's token; a clean disconnect takes up to PusherOptions.CloseTimeout (3 s).
                ProcessTerminationTimeout = cancellationToken.CanBeCanceled ? null : TimeSpan.FromSeconds(5),
            };
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (CliArgumentException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadArguments;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Ok; // Ctrl+C while a command was still starting
        }
    }
}

/// <summary>Arguments that parse but do not make sense together; exit code 2.</summary>
internal sealed class CliArgumentException(string message) : Exception(message);
