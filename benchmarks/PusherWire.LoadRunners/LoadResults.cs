using System.Diagnostics;

namespace PusherWire.LoadRunners;

/// <summary>Which client receives the load.</summary>
public enum LoadClientKind
{
    /// <summary>A <see cref="PusherClient"/>: pipe, frame parser, routing, a bound <see cref="PusherEventCallback"/>.</summary>
    PusherWire,

    /// <summary>
    /// The ceiling: a bare <see cref="System.Net.WebSockets.ClientWebSocket"/> read loop that only counts messages (no
    /// parse, no routing). No real client can be faster over the same socket.
    /// </summary>
    RawWebSocket,
}

/// <summary>Latency percentiles of one run.</summary>
/// <param name="Count">How many samples.</param>
/// <param name="Mean">The mean.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="P999">The 99.9th percentile.</param>
/// <param name="Max">The largest sample.</param>
public sealed record LatencySummary(int Count, TimeSpan Mean, TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan P999, TimeSpan Max)
{
    /// <summary>No samples.</summary>
    public static LatencySummary Empty { get; } = new(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Summarizes <see cref="Stopwatch"/> tick durations (the array is sorted in place).</summary>
    public static LatencySummary FromStopwatchTicks(long[] ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        if (ticks.Length == 0)
        {
            return Empty;
        }

        Array.Sort(ticks);
        double sum = 0;
        foreach (long t in ticks)
        {
            sum += t;
        }

        return new LatencySummary(
            ticks.Length,
            ToTime(sum / ticks.Length),
            ToTime(Percentile(ticks, 0.50)),
            ToTime(Percentile(ticks, 0.90)),
            ToTime(Percentile(ticks, 0.99)),
            ToTime(Percentile(ticks, 0.999)),
            ToTime(ticks[^1]));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static long Percentile(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static TimeSpan ToTime(double stopwatchTicks) => TimeSpan.FromTicks((long)(stopwatchTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
}

/// <summary>Garbage collections and allocation in the whole process (server and client share it) during a run.</summary>
/// <param name="AllocatedBytes">Bytes allocated by every thread.</param>
/// <param name="Gen0">Gen 0 collections.</param>
/// <param name="Gen1">Gen 1 collections.</param>
/// <param name="Gen2">Gen 2 collections.</param>
public sealed record GcDelta(long AllocatedBytes, int Gen0, int Gen1, int Gen2)
{
    internal static GcSnapshot Start() => new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    internal readonly record struct GcSnapshot(long Allocated, int Gen0, int Gen1, int Gen2)
    {
        public GcDelta Stop() => new(
            GC.GetTotalAllocatedBytes(precise: true) - Allocated,
            GC.CollectionCount(0) - Gen0,
            GC.CollectionCount(1) - Gen1,
            GC.CollectionCount(2) - Gen2);
    }
}

/// <summary>The outcome of sending events as fast as the server can.</summary>
/// <param name="Client">The receiving client.</param>
/// <param name="Sent">Events sent.</param>
/// <param name="Received">Events that reached the handler (or the raw read loop).</param>
/// <param name="FrameBytes">The size of one frame.</param>
/// <param name="Elapsed">From the first send to the last event handled.</param>
/// <param name="Gc">Allocation and collections in the process during the run.</param>
public sealed record BlastResult(LoadClientKind Client, int Sent, int Received, int FrameBytes, TimeSpan Elapsed, GcDelta Gc)
{
    /// <summary>True when every event arrived.</summary>
    public bool Complete => Received == Sent;

    /// <summary>Events handled per second.</summary>
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Received / Elapsed.TotalSeconds : 0;

    /// <summary>Payload megabytes (10^6 bytes of frames) per second.</summary>
    public double MegabytesPerSecond => EventsPerSecond * FrameBytes / 1e6;

    /// <summary>Process-wide bytes allocated per event (server send path included).</summary>
    public double AllocatedBytesPerEvent => Sent > 0 ? (double)Gc.AllocatedBytes / Sent : 0;
}

/// <summary>The outcome of sending events at a fixed rate and timing each from server send to handler.</summary>
/// <param name="Client">The receiving client.</param>
/// <param name="TargetRate">Events per second asked for.</param>
/// <param name="AchievedRate">Events per second actually sent (lower when the sender could not keep up).</param>
/// <param name="Sent">Events sent.</param>
/// <param name="Received">Events that reached the handler with a readable sequence number.</param>
/// <param name="Latency">Server send timestamp → handler timestamp.</param>
/// <param name="MaxBehindSchedule">How late the sender got at worst (coordinated omission shows up here, not in Latency).</param>
/// <param name="Gc">Allocation and collections in the process during the run.</param>
public sealed record LatencyResult(LoadClientKind Client, double TargetRate, double AchievedRate, int Sent, int Received, LatencySummary Latency, TimeSpan MaxBehindSchedule, GcDelta Gc)
{
    /// <summary>True when every event arrived.</summary>
    public bool Complete => Received == Sent;
}

/// <summary>The outcome of many connections with a few channels each.</summary>
/// <param name="Client">The kind of client connected.</param>
/// <param name="Connections">Connections attempted.</param>
/// <param name="Connected">Connections that completed the handshake.</param>
/// <param name="ChannelsPerConnection">Channels subscribed on each connection.</param>
/// <param name="SubscribedChannels">Channels the clients saw confirmed.</param>
/// <param name="Total">From the first connect to the last confirmed subscription.</param>
/// <param name="ConnectTime">Per connection: connect until <c>pusher:connection_established</c>.</param>
/// <param name="ReadyTime">Per connection: connect until every channel is subscribed (auth requests included).</param>
/// <param name="HeapBytes">Growth of the live managed heap (after full GCs) with every connection open: client and server sides.</param>
public sealed record ScaleResult(LoadClientKind Client, int Connections, int Connected, int ChannelsPerConnection, int SubscribedChannels, TimeSpan Total, LatencySummary ConnectTime, LatencySummary ReadyTime, long HeapBytes)
{
    /// <summary>Live heap per connection (client + in-process server).</summary>
    public double HeapBytesPerConnection => Connected > 0 ? (double)HeapBytes / Connected : 0;
}

/// <summary>The outcome of many channels on one connection.</summary>
/// <param name="Channels">Channels subscribed.</param>
/// <param name="Subscribed">Channels confirmed by the server.</param>
/// <param name="SubscribeCalls">Time spent in the <see cref="PusherClient.Subscribe"/> calls themselves.</param>
/// <param name="SubscribeAll">From the first Subscribe to the last confirmation (auth requests included).</param>
/// <param name="HeapBytes">Growth of the live managed heap with every channel subscribed: client and server sides.</param>
/// <param name="Routed">One event per channel, each routed through the full channel table.</param>
public sealed record ChannelScaleResult(int Channels, int Subscribed, TimeSpan SubscribeCalls, TimeSpan SubscribeAll, long HeapBytes, BlastResult Routed)
{
    /// <summary>Live heap per channel (client + in-process server).</summary>
    public double HeapBytesPerChannel => Subscribed > 0 ? (double)HeapBytes / Subscribed : 0;
}
