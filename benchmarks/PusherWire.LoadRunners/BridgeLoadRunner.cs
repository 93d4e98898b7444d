// End-to-end bridge throughput: embedded Pusher server -> PusherClient -> NatsBridge -> a running nats-server's JetStream.
using System.Diagnostics;
using NATS.Client.Core;
using NATS.Client.JetStream;
using PusherWire.Bridge.Nats;
using PusherWire.Testing;

namespace PusherWire.LoadRunners;

/// <summary>One measured bridge run.</summary>
/// <param name="Channels">Channels the events were spread over (round robin).</param>
/// <param name="Events">Events published.</param>
/// <param name="Elapsed">From the first publish until JetStream acknowledged the last event.</param>
/// <param name="Metrics">The bridge's counters at the end.</param>
public sealed record BridgeLoadResult(int Channels, int Events, TimeSpan Elapsed, NatsBridgeMetrics Metrics)
{
    /// <summary>Acknowledged events per second.</summary>
    public double EventsPerSecond => Metrics.Acknowledged / Elapsed.TotalSeconds;
}

/// <summary>
/// Measures how many events per second one bridge gets into JetStream: distinct ~1 KB events (so nothing is
/// deduplicated) are published by the embedded server over loopback to one client on <c>channels</c> channels, and the
/// clock stops when the bridge's queue is empty (every event acknowledged). Each run uses a fresh file-storage stream.
/// </summary>
public static class BridgeLoadRunner
{
    public static async Task<BridgeLoadResult> RunAsync(string natsUrl, int channels, int events, string payloadJson, CancellationToken cancellationToken)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var nats = new NatsConnection(new NatsOpts { Url = natsUrl, Name = "pusherwire-bench-bridge" });
        await nats.ConnectAsync().ConfigureAwait(false);
        string stream = $"BENCH_{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        string prefix = "bench." + stream.ToLowerInvariant();
        await using var client = new PusherClient(new PusherOptions(server.Options.AppKey)
        {
            Host = server.Host,
            Port = server.Port,
            UseTls = false,
            AllowInsecureTransport = true,
        });
        var bridge = new NatsBridge(client, nats, new NatsBridgeOptions
        {
            SubjectPrefix = prefix,
            Stream = new NatsStreamSettings { Name = stream, MaxAge = TimeSpan.FromHours(1) },
            MaxQueuedEvents = events + 1,
            MaxQueuedBytes = long.MaxValue,
        });
        try
        {
            string[] names = Enumerable.Range(0, channels).Select(i => $"bench-{i}").ToArray();
            var subscribed = names.Select(client.Subscribe).ToList();
            await bridge.StartAsync(cancellationToken).ConfigureAwait(false);
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(subscribed.Select(c => c.WaitForSubscriptionAsync(cancellationToken))).ConfigureAwait(false);
            TestConnection connection = await server.WaitForConnectionAsync(0, cancellationToken).ConfigureAwait(false);
            foreach (string name in names)
            {
                await connection.WaitForSubscriptionAsync(name, cancellationToken).ConfigureAwait(false);
            }

            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < events; i++)
            {
                await server.PublishAsync(names[i % channels], "message", $$"""{"seq":{{i}},"payload":{{payloadJson}}}""", cancellationToken).ConfigureAwait(false);
            }

            // Every event is queued before it is acknowledged, so an empty queue after all arrived means all are in.
            while (bridge.GetMetrics() is { } m && m.Received + m.Dropped < events)
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }

            await bridge.FlushAsync(cancellationToken).ConfigureAwait(false);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            return new BridgeLoadResult(channels, events, elapsed, bridge.GetMetrics());
        }
        finally
        {
            await bridge.DisposeAsync().ConfigureAwait(false);
            await new NatsJSContext(nats).DeleteStreamAsync(stream, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
