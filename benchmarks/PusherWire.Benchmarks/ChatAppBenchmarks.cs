using System.Buffers;
using BenchmarkDotNet.Attributes;
using PusherWire.ChatApp;

namespace PusherWire.Benchmarks;

/// <summary>
/// Item 2: typed ChatApp deserialization per seed event (source-generated System.Text.Json straight from the UTF-8
/// data), and the whole path from the wire frame to a typed handler through a ChatApp subscription.
/// </summary>
[MemoryDiagnoser]
public class ChatAppBenchmarks
{
    private RoutingRig _rig = null!;
    private ReadOnlySequence<byte> _message;
    private int _handled;

    [ParamsSource(nameof(Frames))]
    public SeedFrame Frame { get; set; } = null!;

    public static IEnumerable<SeedFrame> Frames => SeedFrames.Selected;

    [GlobalSetup]
    public void Setup()
    {
        _rig = new RoutingRig();
        ChatAppSubscription subscription = _rig.Client.SubscribeChatApp(Frame.Channel);
        subscription.On<ChatAppEvent>(e => _handled++);
        _message = new ReadOnlySequence<byte>(Frame.Wire);
        FrameToTypedHandler();
        if (_handled == 0 || Deserialize() is UnknownChatAppEvent)
        {
            throw new InvalidOperationException($"{Frame.Name} did not deserialize to its typed event.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Data bytes → typed event (ChatAppEventSerializer.Deserialize).</summary>
    [Benchmark(Baseline = true)]
    public ChatAppEvent Deserialize() => ChatAppEventSerializer.Deserialize(Frame.EventNameUtf8, Frame.Data, Frame.Channel);

    /// <summary>Wire frame → parse → route → ChatApp subscription → typed handler.</summary>
    [Benchmark]
    public void FrameToTypedHandler() => _rig.Feed(_message);
}
