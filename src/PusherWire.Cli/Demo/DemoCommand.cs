using System.CommandLine;
using PusherWire.Cli.Listen;

namespace PusherWire.Cli.Demo;

/// <summary>
/// <c>pusherwire demo</c>: starts the embedded ChatApp-compatible server in-process and listens to it, so a new user
/// sees ChatApp events stream with no token and no network.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var count = new Option<int>("--count") { Description = "Events to show before exiting (0 = until Ctrl+C)", DefaultValueFactory = _ => ChatAppSamples.All.Count };
        var rate = new Option<double>("--rate") { Description = "Sample events per second", DefaultValueFactory = _ => 20 };
        var format = FormatOption.Create();
        var command = new Command("demo", "Stream ChatApp's sample events from an embedded server (no token, no network)") { count, rate, format };
        command.SetAction(async (result, ct) =>
        {
            int limit = result.GetValue(count);
            double eventsPerSecond = result.GetValue(rate);
            if (limit < 0)
            {
                throw new CliArgumentException($"--count must be 0 (no limit) or more (got {limit}).");
            }

            if (!double.IsFinite(eventsPerSecond) || eventsPerSecond is <= 0 or > 1_000_000)
            {
                throw new CliArgumentException("--rate must be above 0 and at most 1000000.");
            }

            var options = new ChatAppDemoOptions { EventsPerSecond = eventsPerSecond };
            await using ChatAppDemoServer server = await ChatAppDemoServer.StartAsync(options, ct).ConfigureAwait(false);
            // stderr, so stdout stays pure NDJSON when redirected.
            await stderr.WriteLineAsync(
                $"demo: embedded ChatApp-compatible server at {server.Server.WebSocketUri}; "
                + (limit == 0 ? "sample events until Ctrl+C" : $"{limit} sample event(s), then exit")).ConfigureAwait(false);
            var settings = new ListenSettings
            {
                Key = options.AppKey,
                Host = server.Server.Host,
                Port = server.Server.Port,
                UseTls = false,
                AuthEndpoint = server.Server.AuthEndpoint,
                Token = options.Token,
                Channels = options.Channels,
                Format = FormatOption.Resolve(result.GetValue(format), isTerminal),
                Count = limit == 0 ? null : limit,
            };

            using var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task<int> listening = ListenRunner.RunAsync(settings, stdout, rawStdout: null, stderr, ct);
            Task publishing = PublishWhenSubscribedAsync(server, limit == 0 ? null : limit, stopPublishing.Token);
            int code = await listening.ConfigureAwait(false);
            await stopPublishing.CancelAsync().ConfigureAwait(false);
            try
            {
                await publishing.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return code;
        });
        return command;
    }

    /// <summary>Publishing starts once every channel is subscribed, so the demo shows every sample from the first.</summary>
    private static async Task PublishWhenSubscribedAsync(ChatAppDemoServer server, int? limit, CancellationToken cancellationToken)
    {
        var connection = await server.Server.WaitForConnectionAsync(0, cancellationToken).ConfigureAwait(false);
        foreach (string channel in server.Options.Channels)
        {
            await connection.WaitForSubscriptionAsync(channel, cancellationToken).ConfigureAwait(false);
        }

        await server.PublishAsync(limit, cancellationToken).ConfigureAwait(false);
    }
}
