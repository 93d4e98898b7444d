using System.CommandLine;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Listen;

/// <summary><c>pusherwire listen</c>: connect, subscribe, and print what happens.</summary>
internal static class ListenCommand
{
    public const string TokenEnvironmentVariable = ListenArguments.TokenEnvironmentVariable;

    public static Command Create(TextWriter stdout, Stream? rawStdout, TextWriter stderr, bool isTerminal, Func<string, string?> environment)
    {
        var arguments = new ListenArguments(environment);
        var format = FormatOption.Create();
        var count = new Option<int?>("--count") { Description = "Exit 0 after N application events" };
        var timeout = new Option<double?>("--timeout") { Description = "Exit 3 after S seconds" };
        var tokens = new Token.TokenCliOptions();

        var command = new Command("listen", "Connect to a Pusher server (ChatApp by default), subscribe, and print events");
        arguments.AddTo(command);
        command.Add(format);
        command.Add(count);
        command.Add(timeout);
        foreach (Option option in tokens.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, ct) =>
        {
            var settings = arguments.Bind(result) with
            {
                Format = FormatOption.Resolve(result.GetValue(format), isTerminal),
                Count = result.GetValue(count) is { } n ? ListenArguments.Range(n, 1, int.MaxValue, "--count") : null,
                Timeout = ListenArguments.Seconds(result.GetValue(timeout), "--timeout"),
            };

            // --token-file / --email: a token manager keeps the pair alive (refresh, make, file updates) instead of a fixed token.
            using ChatAppTokenManager? manager = tokens.CreateManager(result, environment, !settings.UseTls);
            if (manager is not null)
            {
                if (arguments.TokenGiven(result))
                {
                    throw new CliArgumentException("--token cannot be combined with --token-file or --email/--app-id.");
                }

                settings = settings with { Token = null, TokenManager = manager };
                if (await Token.ListenTokens.PrepareAsync(manager, stderr, ct).ConfigureAwait(false) is { } failed)
                {
                    return failed;
                }
            }

            // clig.dev: a missing required input is a usage error with a hint, not a run of 401s ending in "every channel refused".
            if (settings.Token is null && settings.TokenManager is null && !settings.Headers.Keys.Any(h => h.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                && settings.Channels.Any(c => c.StartsWith("private-", StringComparison.Ordinal) || c.StartsWith("presence-", StringComparison.Ordinal)))
            {
                throw new CliArgumentException($"No access token: private and presence channels (every ChatApp channel) need one. Pass --token <token>, set {TokenEnvironmentVariable}, or give --token-file.");
            }

            return await ListenRunner.RunAsync(settings, stdout, rawStdout, stderr, ct).ConfigureAwait(false);
        });
        return command;
    }
}
