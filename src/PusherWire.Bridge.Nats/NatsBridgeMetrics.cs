// A snapshot of a bridge's counters (the same values are published on the PusherWire.Bridge.Nats meter).
namespace PusherWire.Bridge.Nats;

/// <summary>
/// A snapshot of a bridge's counters since it started. Received = Acknowledged + Queued + Dropped (+ events still
/// queued at disposal). The same figures are exported through <see cref="System.Diagnostics.Metrics.Meter"/>
/// <c>PusherWire.Bridge.Nats</c> (<see cref="NatsBridge.MeterName"/>).
/// </summary>
public sealed record NatsBridgeMetrics
{
    /// <summary>Application events received from Pusher (connection-level <c>pusher:</c> events are not bridged).</summary>
    public long Received { get; init; }

    /// <summary>Events JetStream stored (acknowledged, not a duplicate).</summary>
    public long Published { get; init; }

    /// <summary>Events JetStream acknowledged as duplicates (another bridge, or a retry, stored them first).</summary>
    public long Deduplicated { get; init; }

    /// <summary>Published + Deduplicated: events that left the queue because JetStream has them.</summary>
    public long Acknowledged => Published + Deduplicated;

    /// <summary>Events waiting for an ack now, including the ones being published.</summary>
    public int Queued { get; init; }

    /// <summary>Payload bytes waiting for an ack now.</summary>
    public long QueuedBytes { get; init; }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped { get; init; }

    /// <summary>Publish attempts that failed and were retried.</summary>
    public long Retries { get; init; }

    /// <summary>Mean time from publish to ack over acknowledged publishes (zero before the first).</summary>
    public TimeSpan PublishLatencyMean { get; init; }

    /// <summary>Longest time from publish to ack so far.</summary>
    public TimeSpan PublishLatencyMax { get; init; }
}
