// What the metrics cost on the event path: the message frame routed with no listener, and with a MeterListener attached.
using System.Buffers;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace PusherWire.Benchmarks;

/// <summary>
/// Parse + route + callback of the ChatApp <c>message</c> frame (as <see cref="ParseRouteBenchmarks"/>) with nothing
/// listening to the <c>PusherWire</c> meter (the baseline: instruments disabled, one branch) and with a listener that
/// receives every measurement (what an OpenTelemetry exporter adds before its own aggregation).
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private RoutingRig _rig = null!;
    private ReadOnlySequence<byte> _message;
    private MeterListener? _listener;
    private long _measured;

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = new RoutingRig();
        SeedFrame frame = SeedFrames.Message;
        _rig.Client.Subscribe(frame.Channel).Bind(frame.EventName, static (in PusherEvent _) => { });
        _message = new ReadOnlySequence<byte>(frame.Wire);
        if (Listening)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == PusherDiagnostics.MeterName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _measured += value);
            _listener.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _rig.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One message frame through the receive path.</summary>
    [Benchmark]
    public void RouteMessage() => _rig.Feed(_message);
}
