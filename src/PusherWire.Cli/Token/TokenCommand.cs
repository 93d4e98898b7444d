// `pusherwire token make|refresh|check`: obtain, renew and verify the ChatApp token pair kept in --token-file.
using System.CommandLine;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Token;

/// <summary>
/// <c>pusherwire token</c>: <c>make</c> writes a new pair to --token-file (email, app id, $CHATAPP_PASSWORD),
/// <c>refresh</c> replaces the pair in the file (falling back to make when credentials are given), <c>check</c> asks
/// ChatApp whether the file's access token is accepted. Each prints one masked NDJSON line; errors go to stderr.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var command = new Command("token", "Make, refresh or check the ChatApp token pair kept in --token-file (prints end times, never tokens)");
        command.Subcommands.Add(Make(stdout, stderr, environment));
        command.Subcommands.Add(Refresh(stdout, stderr, environment));
        command.Subcommands.Add(Check(stdout, stderr));
        return command;
    }

    private static Command Make(TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var (options, noTls, command) = Shell("make", "tokens.make: a new pair from --email, --app-id and $CHATAPP_PASSWORD, written to --token-file");
        command.SetAction(async (result, ct) =>
        {
            ChatAppFileTokenStore store = RequireStore(options, result);
            ChatAppCredentials credentials = options.Credentials(result, environment)
                ?? throw new CliArgumentException("token make needs --email and --app-id (and the password in $" + TokenCliOptions.PasswordEnvironmentVariable + ").");
            var client = new ChatAppTokenClient(options.Api(result, result.GetValue(noTls)));
            return await GuardAsync(stderr, async () =>
            {
                ChatAppTokenPair pair = await client.MakeAsync(credentials, ct).ConfigureAwait(false);
                await store.SaveAsync(pair, ct).ConfigureAwait(false);
                await TokenStatusWriter.WriteAsync(stdout, "make", pair, store.Path, source: "make").ConfigureAwait(false);
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Refresh(TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var (options, noTls, command) = Shell("refresh", "tokens.refresh: replace the pair in --token-file (tokens.make as the fallback when --email/--app-id are given)");
        command.SetAction(async (result, ct) =>
        {
            ChatAppFileTokenStore store = RequireStore(options, result);
            using var manager = new ChatAppTokenManager(new ChatAppTokenManagerOptions
            {
                Api = options.Api(result, result.GetValue(noTls)),
                Store = store,
                Credentials = options.Credentials(result, environment),
            });
            ChatAppTokenSource? source = null;
            manager.Renewed += (_, e) => source = e.Source;
            return await GuardAsync(stderr, async () =>
            {
                ChatAppTokenPair pair = await manager.RefreshAsync(ct).ConfigureAwait(false);
                await TokenStatusWriter.WriteAsync(stdout, "refresh", pair, store.Path, source: source == ChatAppTokenSource.Make ? "make" : "refresh").ConfigureAwait(false);
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Check(TextWriter stdout, TextWriter stderr)
    {
        var (options, noTls, command) = Shell("check", "tokens.check: whether ChatApp accepts the access token in --token-file (exit 0 valid, 1 refused)");
        command.SetAction(async (result, ct) =>
        {
            ChatAppFileTokenStore store = RequireStore(options, result);
            var client = new ChatAppTokenClient(options.Api(result, result.GetValue(noTls)));
            return await GuardAsync(stderr, async () =>
            {
                ChatAppTokenPair pair = await store.LoadAsync(ct).ConfigureAwait(false)
                    ?? throw new ChatAppTokenException(ChatAppTokenFailure.CredentialsMissing, $"The token file '{store.Path}' does not exist; run 'pusherwire token make' first.");
                bool valid = await client.CheckAsync(pair.AccessToken, ct).ConfigureAwait(false);
                await TokenStatusWriter.WriteAsync(stdout, "check", pair, store.Path, valid).ConfigureAwait(false);
                return valid ? ExitCodes.Ok : ExitCodes.Fatal;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static (TokenCliOptions Options, Option<bool> NoTls, Command Command) Shell(string name, string description)
    {
        var options = new TokenCliOptions();
        var noTls = new Option<bool>("--no-tls") { Description = "Allow an http:// --api-base (loopback testing only)" };
        var command = new Command(name, description);
        foreach (Option option in options.All)
        {
            command.Options.Add(option);
        }

        command.Options.Add(noTls);
        return (options, noTls, command);
    }

    private static ChatAppFileTokenStore RequireStore(TokenCliOptions options, ParseResult result) =>
        options.Store(result) ?? throw new CliArgumentException("--token-file is required.");

    // Token failures are expected outcomes (wrong password, expired refresh token): one line on stderr, exit 1.
    private static async Task<int> GuardAsync(TextWriter stderr, Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (ChatAppTokenException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Fatal;
        }
    }
}
