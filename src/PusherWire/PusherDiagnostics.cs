// The public names under which PusherWire publishes metrics and traces (System.Diagnostics, no dependencies).
namespace PusherWire;

/// <summary>
/// Names to hand to OpenTelemetry (<c>AddMeter(PusherDiagnostics.MeterName)</c>,
/// <c>AddSource(PusherDiagnostics.ActivitySourceName)</c>) or to a <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// Nothing is measured or traced until something listens: with no listener the event path costs one branch per
/// instrument and allocates nothing. Tags have bounded cardinality (server address and port, channel type, state,
/// error type); channel names are added only with <see cref="PusherOptions.MetricsIncludeChannelName"/>.
/// The instruments are listed in docs/observability.md.
/// </remarks>
public static class PusherDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>PusherWire</c>.</summary>
    public const string MeterName = "PusherWire";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/>: <c>PusherWire</c>.</summary>
    public const string ActivitySourceName = "PusherWire";

    /// <summary>Counter of application events received (<c>{event}</c>).</summary>
    public const string EventsReceived = "pusherwire.events.received";

    /// <summary>Counter of event data bytes received (the <c>data</c> field after unescaping; <c>By</c>).</summary>
    public const string BytesReceived = "pusherwire.events.received.bytes";

    /// <summary>Counter of scheduled reconnects, tagged with the close action and the error type.</summary>
    public const string Reconnects = "pusherwire.reconnects";

    /// <summary>Observable up-down counter of live clients per connection state.</summary>
    public const string Connections = "pusherwire.connections";

    /// <summary>Histogram of channel authorization request durations in seconds.</summary>
    public const string AuthDuration = "pusherwire.auth.duration";

    /// <summary>Counter of failed channel authorizations, tagged with the failure kind.</summary>
    public const string AuthFailures = "pusherwire.auth.failures";

    /// <summary>Counter of events dropped because a reader's bounded queue was full.</summary>
    public const string EventsDropped = "pusherwire.events.dropped";

    /// <summary>Counter of exceptions thrown by user callbacks and event handlers.</summary>
    public const string HandlerExceptions = "pusherwire.handler.exceptions";

    /// <summary>Observable gauge of events waiting in reader queues.</summary>
    public const string ReaderQueueDepth = "pusherwire.reader.queue.depth";
}
