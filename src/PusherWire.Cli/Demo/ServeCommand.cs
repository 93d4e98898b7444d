using System.CommandLine;

namespace PusherWire.Cli.Demo;

/// <summary><c>pusherwire serve</c>: run the embedded ChatApp-compatible server until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 0 };
        var rate = new Option<double>("--rate") { Description = "Sample events published per second", DefaultValueFactory = _ => 2 };
        var token = new Option<string>("--token") { Description = "Access token the auth endpoint requires (default: the demo token)" };
        var command = new Command("serve", "Run an embedded ChatApp-compatible Pusher server on loopback that publishes ChatApp's sample events") { port, rate, token };
        command.SetAction(async (result, ct) =>
        {
            int portNumber = result.GetValue(port);
            double eventsPerSecond = result.GetValue(rate);
            if (portNumber is < 0 or > 65535)
            {
                throw new CliArgumentException($"--port must be between 0 and 65535 (got {portNumber}).");
            }

            if (!double.IsFinite(eventsPerSecond) || eventsPerSecond is <= 0 or > 1_000_000)
            {
                throw new CliArgumentException("--rate must be above 0 and at most 1000000.");
            }

            string? userToken = result.GetValue(token);
            if (userToken is not null && (string.IsNullOrWhiteSpace(userToken) || userToken.Any(char.IsControl)))
            {
                throw new CliArgumentException("--token must be non-empty and on one line.");
            }

            var options = new ChatAppDemoOptions { Port = portNumber, EventsPerSecond = eventsPerSecond };
            options = userToken is null ? options : options with { Token = userToken };
            ChatAppDemoServer server;
            try
            {
                server = await ChatAppDemoServer.StartAsync(options, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await stderr.WriteLineAsync($"error: cannot listen on 127.0.0.1:{portNumber}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Fatal;
            }

            await using (server.ConfigureAwait(false))
            {
                // A user-supplied token is a credential: it is not echoed back in full.
                string shownToken = userToken is null ? $"{options.Token}   (the demo token, not a secret)" : $"{Mask(userToken)}   (the one given with --token)";
                string tokenArgument = userToken is null ? options.Token : "<your token>";
                string channelArguments = string.Join(" ", options.Messengers.Select(m => $"--license {options.License} --messenger {m}"));
                await stdout.WriteLineAsync($"ws url:        {server.Server.WebSocketUri}").ConfigureAwait(false);
                await stdout.WriteLineAsync($"auth endpoint: {server.Server.AuthEndpoint}").ConfigureAwait(false);
                await stdout.WriteLineAsync($"token:         {shownToken}").ConfigureAwait(false);
                await stdout.WriteLineAsync($"channels:      {string.Join(", ", options.Channels)}").ConfigureAwait(false);
                await stdout.WriteLineAsync($"events:        {ChatAppSamples.All.Count} samples of {ChatAppSamples.All.Select(s => s.EventName).Distinct().Count()} event types, {eventsPerSecond:0.###}/s, round after round").ConfigureAwait(false);
                await stdout.WriteLineAsync($"listen with:   pusherwire listen --no-tls --host {server.Server.Host} --port {server.Server.Port} --auth-endpoint {server.Server.AuthEndpoint} --token {tokenArgument} {channelArguments} --company {options.Company} --user {options.User}").ConfigureAwait(false);
                await stdout.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
                await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await server.PublishAsync(null, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Enough of a token to recognise it, never all of it.</summary>
    internal static string Mask(string token) =>
        token.Length >= 12 ? $"{token[..3]}...{token[^2..]} ({token.Length} characters)" : $"*** ({token.Length} characters)";
}
