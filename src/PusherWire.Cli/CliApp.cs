using System.CommandLine;
using PusherWire.Cli.Demo;
using PusherWire.Cli.Listen;

namespace PusherWire.Cli;

/// <summary>The <c>pusherwire</c> command line: builds the commands and runs one with the given streams.</summary>
internal static class CliApp
{
    /// <summary>Runs the CLI; everything is written to <paramref name="stdout"/> and <paramref name="stderr"/> (tests pass their own).</summary>
    /// <returns>The process exit code (<see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool isTerminal, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("PusherWire: a Pusher-protocol client for ChatApp's real-time API events.")
        {
            ListenCommand.Create(stdout, stderr, isTerminal),
            ServeCommand.Create(stdout, stderr),
            DemoCommand.Create(stdout, stderr, isTerminal),
            PusherWire.Cli.Bench.BenchCommand.Create(stdout, stderr),
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
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false);
        }
        catch (CliArgumentException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadArguments;
        }
    }
}

/// <summary>Arguments that parse but do not make sense together; exit code 2.</summary>
internal sealed class CliArgumentException(string message) : Exception(message);
