// The PusherWire Meter and its instruments, shared by every client in the process.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PusherWire.Internal;

/// <summary>
/// One static <see cref="Meter"/> (like System.Net's): listeners find it by name whoever created the clients. Every
/// hot-path caller checks the instrument's <c>Enabled</c> first, so with no listener nothing is built or recorded.
/// </summary>
internal static class PusherMetrics
{
    public static readonly Meter Meter = new(PusherDiagnostics.MeterName, PusherOptions.LibraryVersion);

    public static readonly Counter<long> EventsReceived = Meter.CreateCounter<long>(PusherDiagnostics.EventsReceived, "{event}", "Application events received.");

    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(PusherDiagnostics.BytesReceived, "By", "Event data bytes received.");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(PusherDiagnostics.Reconnects, "{reconnect}", "Reconnects scheduled.");

    public static readonly Histogram<double> AuthDuration = Meter.CreateHistogram<double>(PusherDiagnostics.AuthDuration, "s", "Channel authorization request duration.");

    public static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>(PusherDiagnostics.AuthFailures, "{failure}", "Channel authorizations that failed.");

    public static readonly Counter<long> EventsDropped = Meter.CreateCounter<long>(PusherDiagnostics.EventsDropped, "{event}", "Events dropped by a full reader queue.");

    public static readonly Counter<long> HandlerExceptions = Meter.CreateCounter<long>(PusherDiagnostics.HandlerExceptions, "{exception}", "Exceptions thrown by user callbacks and event handlers.");

    /// <summary>Clients between ConnectAsync and DisposeAsync: what the observable instruments report on.</summary>
    private static readonly ConcurrentDictionary<PusherClient, byte> Live = new();

    private static readonly string[] ChannelTypeNames = ["public", "private", "presence", "private-encrypted"];

    private static readonly string[] StateNames = ["initialized", "connecting", "connected", "unavailable", "failed", "disconnected"];

    static PusherMetrics()
    {
        Meter.CreateObservableUpDownCounter(PusherDiagnostics.Connections, ObserveConnections, "{connection}", "Live clients per connection state.");
        Meter.CreateObservableGauge(PusherDiagnostics.ReaderQueueDepth, ObserveQueueDepth, "{event}", "Events waiting in reader queues.");
    }

    public static void Track(PusherClient client) => Live.TryAdd(client, 0);

    public static void Untrack(PusherClient client) => Live.TryRemove(client, out _);

    public static string ChannelTypeName(ChannelType type) => ChannelTypeNames[(int)type];

    public static string StateName(ConnectionState state) => (uint)state < (uint)StateNames.Length ? StateNames[(int)state] : "unknown";

    private static IEnumerable<Measurement<long>> ObserveConnections()
    {
        var counts = new Dictionary<(string Address, object Port, ConnectionState State), long>();
        foreach (PusherClient client in Live.Keys)
        {
            var key = (client.MetricTags.Address, client.MetricTags.Port, client.State);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        foreach (((string address, object port, ConnectionState state), long count) in counts)
        {
            yield return new Measurement<long>(count, new TagList
            {
                { "server.address", address },
                { "server.port", port },
                { "pusher.connection.state", StateName(state) },
            });
        }
    }

    private static IEnumerable<Measurement<long>> ObserveQueueDepth()
    {
        foreach (PusherClient client in Live.Keys)
        {
            yield return new Measurement<long>(client.QueuedMessages, client.MetricTags.ServerTags);
        }
    }
}
