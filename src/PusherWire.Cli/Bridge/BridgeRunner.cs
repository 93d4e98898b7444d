// Runs 'pusherwire bridge': one Pusher client, one NATS connection, one NatsBridge, status until done.
using NATS.Client.Core;
using PusherWire.Bridge.Nats;
using PusherWire.Cli.Listen;

namespace PusherWire.Cli.Bridge;

/// <summary>Runs <c>bridge</c> until Ctrl+C (0), --count events acknowledged (0), a fatal refusal (1) or --timeout (3).</summary>
internal static class BridgeRunner
{
    public static async Task<int> RunAsync(BridgeSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var status = new BridgeStatusWriter(stdout);
        (var authorizer, PusherOptions options) = ListenClientOptions.Create(settings.Listen);
        using (authorizer)
        {
            await using var nats = new NatsConnection(new NatsOpts { Url = settings.Nats.ToString(), Name = settings.Name ?? "pusherwire-bridge", MaxReconnectRetry = -1 });
            try
            {
                await nats.ConnectAsync().ConfigureAwait(false);
            }
            catch (NatsException e)
            {
                await stderr.WriteLineAsync($"fatal: NATS is unreachable at {settings.NatsForDisplay} ({LogSanitizer.Clean(e.Message)})").ConfigureAwait(false);
                return ExitCodes.Fatal;
            }

            await using var client = new PusherClient(options);
            var bridge = new NatsBridge(client, nats, BridgeCommand.ToBridgeOptions(settings));
            try
            {
                await bridge.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NatsBridgeException e)
            {
                await bridge.DisposeAsync().ConfigureAwait(false);
                await stderr.WriteLineAsync($"fatal: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Fatal;
            }

            status.Bridge(settings);
            return await new Session(settings, status, client, bridge, nats).RunAsync(stderr, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One bridge run: handlers, periodic stats, and the outcome that ends it.</summary>
    private sealed class Session(BridgeSettings settings, BridgeStatusWriter status, PusherClient client, NatsBridge bridge, NatsConnection nats)
    {
        private readonly TaskCompletionSource<int> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _fatalReason;
        private int _publishErrorPrinted; // at most one publish_error record per status interval: an outage fails every lane

        public async Task<int> RunAsync(TextWriter stderr, CancellationToken cancellationToken)
        {
            client.StateChanged += (_, change) =>
            {
                status.State(change.Previous, change.Current, change.Current == ConnectionState.Connected ? client.SocketId : null);
                if (change.Current == ConnectionState.Failed)
                {
                    Decide(ExitCodes.Fatal, "the Pusher connection failed for good");
                }
            };
            client.Error += (_, error) =>
            {
                if (error is not PusherWire.Authorization.ChannelAuthorizationException)
                {
                    status.Error(error);
                }
            };
            bridge.PublishFailed += (_, failure) =>
            {
                if (Interlocked.Exchange(ref _publishErrorPrinted, 1) == 0)
                {
                    status.PublishError(failure);
                }
            };
            nats.ConnectionDisconnected += (_, _) =>
            {
                status.Nats("disconnected");
                return ValueTask.CompletedTask;
            };
            nats.ConnectionOpened += (_, _) =>
            {
                status.Nats("connected");
                return ValueTask.CompletedTask;
            };

            foreach (string name in settings.Listen.Channels)
            {
                PusherChannel channel = client.Subscribe(name);
                channel.Subscribed += (_, _) => status.Subscribed(name);
                channel.SubscriptionFailed += (_, error) =>
                {
                    status.SubscriptionError(name, error);
                    if (client.Channels.All(c => c.State == SubscriptionState.Failed))
                    {
                        Decide(ExitCodes.Fatal, "every channel was refused");
                    }
                };
            }

            // Bound after the bridge's own handler: when this counts an event, the bridge has queued it.
            int received = 0;
            using IDisposable counting = client.BindGlobal((in PusherEvent e) =>
            {
                if (settings.Count is { } count && !e.Channel.IsEmpty && !e.EventName.StartsWith("pusher:"u8) && !e.EventName.StartsWith("pusher_internal:"u8) && Interlocked.Increment(ref received) == count)
                {
                    // --count: done once that many events are in JetStream.
                    _ = bridge.FlushAsync().ContinueWith(_ => Decide(ExitCodes.Ok, null), TaskScheduler.Default);
                }
            });

            using var timeout = new CancellationTokenSource(settings.Timeout ?? Timeout.InfiniteTimeSpan);
            using CancellationTokenRegistration onTimeout = timeout.Token.Register(() => Decide(ExitCodes.Timeout, null));
            using CancellationTokenRegistration onCancel = cancellationToken.Register(() => Decide(ExitCodes.Ok, null));
            using var stopStats = new CancellationTokenSource();
            Task stats = StatsLoopAsync(stopStats.Token);

            Task connecting = client.ConnectAsync(CancellationToken.None);
            int code = await _outcome.Task.ConfigureAwait(false);
            await client.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await connecting.ConfigureAwait(false);
            }
            catch (PusherException)
            {
                // Refused (already reported as state 'failed'), or disconnected before it was made.
            }

            await bridge.DisposeAsync().ConfigureAwait(false); // drains what is queued (up to the drain timeout)
            await stopStats.CancelAsync().ConfigureAwait(false);
            await stats.ConfigureAwait(false);
            status.Stats(bridge.GetMetrics(), final: true);
            switch (code)
            {
                case ExitCodes.Timeout:
                    await stderr.WriteLineAsync($"timeout: {bridge.GetMetrics().Acknowledged} event(s) acknowledged within {settings.Timeout!.Value.TotalSeconds:0.###} s").ConfigureAwait(false);
                    break;
                case ExitCodes.Fatal:
                    await stderr.WriteLineAsync($"fatal: {_fatalReason}").ConfigureAwait(false);
                    break;
            }

            return code;
        }

        private async Task StatsLoopAsync(CancellationToken stop)
        {
            using var timer = new PeriodicTimer(settings.StatusInterval);
            try
            {
                while (true)
                {
                    await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
                    status.Stats(bridge.GetMetrics(), final: false);
                    Volatile.Write(ref _publishErrorPrinted, 0);
                }
            }
            catch (OperationCanceledException)
            {
                // The run ended.
            }
        }

        private void Decide(int code, string? fatalReason)
        {
            if (fatalReason is not null)
            {
                Interlocked.CompareExchange(ref _fatalReason, fatalReason, null);
            }

            _outcome.TrySetResult(code);
        }
    }
}
