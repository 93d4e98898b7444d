using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace PusherWire.Benchmarks;

/// <summary>
/// Item 5 (routing side): the ~1 KB message frame routed on a client with 1, 4 or 10,000 subscribed channels (each with
/// a binding), to show the channel lookup does not grow with the table; and the cost of one Subscribe on a client that
/// already has that many channels (the channel table is copy-on-write).
/// </summary>
[MemoryDiagnoser]
public class ChannelTableBenchmarks
{
    private RoutingRig _rig = null!;
    private ReadOnlySequence<byte> _message;
    private int _handled;
    private int _next;

    [Params(1, 4, 10_000)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = new RoutingRig();
        for (int i = 0; i < Channels - 1; i++)
        {
            _rig.Client.Subscribe($"private-v1.licenses.{i + 2000}.messengers.telegram").Bind("message", (in PusherEvent e) => _handled--);
        }

        _rig.Client.Subscribe(SeedFrames.Message.Channel).Bind("message", (in PusherEvent e) => _handled++);
        _message = new ReadOnlySequence<byte>(SeedFrames.Message.Wire);
        RouteMessage();
        if (_handled != 1)
        {
            throw new InvalidOperationException("The message frame did not reach its handler.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public void RouteMessage() => _rig.Feed(_message);

    /// <summary>Subscribe one more channel and unsubscribe it again (the client is not connected: no frame is sent).</summary>
    [Benchmark]
    public bool SubscribeUnsubscribe()
    {
        string name = _next++ % 2 == 0 ? "private-extra-a" : "private-extra-b";
        _rig.Client.Subscribe(name);
        return _rig.Client.Unsubscribe(name);
    }
}
