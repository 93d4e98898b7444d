// 'pusherwire bridge': listen's channels and auth, published into a NATS JetStream stream.
using System.CommandLine;
using PusherWire.Bridge.Nats;
using PusherWire.Cli.Listen;

namespace PusherWire.Cli.Bridge;

/// <summary><c>pusherwire bridge</c>: subscribe like <c>listen</c>, publish every event to JetStream, print NDJSON status.</summary>
internal static class BridgeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var arguments = new ListenArguments(environment);
        var nats = new Option<string>("--nats") { Description = "NATS server URL", DefaultValueFactory = _ => "nats://127.0.0.1:4222" };
        var stream = new Option<string>("--stream") { Description = "JetStream stream (created when missing, checked when present)", DefaultValueFactory = _ => "CHATAPP" };
        var prefix = new Option<string>("--subject-prefix") { Description = "Subject prefix before the channel tokens", DefaultValueFactory = _ => "chatapp" };
        var window = new Option<double>("--duplicate-window") { Description = "Seconds JetStream remembers message ids (active-active dedup)", DefaultValueFactory = _ => 120 };
        var maxQueued = new Option<int>("--max-queued") { Description = "Events held while NATS is slow or down; beyond it the newest are dropped and counted", DefaultValueFactory = _ => 100_000 };
        var status = new Option<double>("--status-interval") { Description = "Seconds between stats records", DefaultValueFactory = _ => 10 };
        var name = new Option<string?>("--name") { Description = "This bridge's name (Pusher-Bridge header)" };
        var count = new Option<int?>("--count") { Description = "Exit 0 after N events are received and acknowledged by JetStream" };
        var timeout = new Option<double?>("--timeout") { Description = "Exit 3 after S seconds" };
        var tokens = new PusherWire.Cli.Token.TokenCliOptions();

        var command = new Command("bridge", "Subscribe like listen and publish every event to a NATS JetStream stream (scale-out; docs/scale-out.md)");
        arguments.AddTo(command);
        foreach (Option option in (Option[])[nats, stream, prefix, window, maxQueued, status, name, count, timeout, .. tokens.All])
        {
            command.Add(option);
        }

        command.SetAction(async (result, ct) =>
        {
            string natsText = result.GetValue(nats)!;
            if (!Uri.TryCreate(natsText, UriKind.Absolute, out Uri? natsUri) || natsUri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            {
                // The URL may carry a password: name the problem, not the text.
                throw new CliArgumentException("--nats must be an absolute nats://, tls://, ws:// or wss:// URL.");
            }

            var settings = new BridgeSettings
            {
                Listen = arguments.Bind(result),
                Nats = natsUri,
                Stream = result.GetValue(stream)!,
                SubjectPrefix = result.GetValue(prefix)!,
                DuplicateWindow = ListenArguments.Seconds(result.GetValue(window), "--duplicate-window")!.Value,
                MaxQueued = ListenArguments.Range(result.GetValue(maxQueued), 1, 100_000_000, "--max-queued"),
                StatusInterval = ListenArguments.Seconds(result.GetValue(status), "--status-interval")!.Value,
                Name = result.GetValue(name),
                Count = result.GetValue(count) is { } n ? ListenArguments.Range(n, 1, int.MaxValue, "--count") : null,
                Timeout = ListenArguments.Seconds(result.GetValue(timeout), "--timeout"),
            };

            try
            {
                ToBridgeOptions(settings).Validate();
            }
            catch (ArgumentException e)
            {
                int suffix = e.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
                throw new CliArgumentException(suffix < 0 ? e.Message : e.Message[..suffix]);
            }

            // --token-file / --email: as in listen, a token manager keeps the pair alive for as long as the bridge runs.
            using PusherWire.ChatApp.ChatAppTokenManager? manager = tokens.CreateManager(result, environment, !settings.Listen.UseTls);
            if (manager is not null)
            {
                if (arguments.TokenGiven(result))
                {
                    throw new CliArgumentException("--token cannot be combined with --token-file or --email/--app-id.");
                }

                settings = settings with { Listen = settings.Listen with { Token = null, TokenManager = manager } };
                if (await PusherWire.Cli.Token.ListenTokens.PrepareAsync(manager, stderr, ct).ConfigureAwait(false) is { } failed)
                {
                    return failed;
                }
            }

            return await BridgeRunner.RunAsync(settings, stdout, stderr, ct).ConfigureAwait(false);
        });
        return command;
    }

    internal static NatsBridgeOptions ToBridgeOptions(BridgeSettings settings) => new()
    {
        SubjectPrefix = settings.SubjectPrefix,
        Stream = new NatsStreamSettings
        {
            Name = settings.Stream,
            DuplicateWindow = settings.DuplicateWindow,
        },
        MaxQueuedEvents = settings.MaxQueued,
        BridgeName = settings.Name,
    };
}
