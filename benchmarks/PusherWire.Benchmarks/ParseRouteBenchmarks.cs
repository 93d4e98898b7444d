using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Newtonsoft.Json.Linq;
using PusherWire.Benchmarks.Baselines;
using PusherWire.Internal;

namespace PusherWire.Benchmarks;

/// <summary>
/// Items 1 and 3: each seed frame as it arrives (one complete WebSocket message, data JSON-encoded as a string) →
/// parsed → routed by channel and event → the bound handler. PusherWire (the baseline row, so Ratio reads "times
/// PusherWire") against the same frames through a naive System.Text.Json double parse, a minimal Newtonsoft JObject
/// client, and the pusher-websocket-dotnet pipeline.
/// </summary>
[MemoryDiagnoser]
public class ParseRouteBenchmarks
{
    private RoutingRig _rig = null!;
    private ReadOnlySequence<byte> _message;
    private byte[] _scratch = [];
    private JsonDocumentClient _jsonDocument = null!;
    private JObjectClient _jObject = null!;
    private PusherDotnetStyleClient _pusherDotnet = null!;
    private int _handled;

    [ParamsSource(nameof(Frames))]
    public SeedFrame Frame { get; set; } = null!;

    public static IEnumerable<SeedFrame> Frames => SeedFrames.Selected;

    [GlobalSetup]
    public void Setup()
    {
        _rig = new RoutingRig();
        _rig.Client.Subscribe(Frame.Channel).Bind(Frame.EventName, (in PusherEvent e) => _handled += e.Data.Length);
        _message = new ReadOnlySequence<byte>(Frame.Wire);
        _scratch = new byte[Frame.Wire.Length];
        _jsonDocument = new JsonDocumentClient();
        _jsonDocument.Bind(Frame.Channel, Frame.EventName, (JsonElement e) => _handled += e.GetArrayLength_Safe());
        _jObject = new JObjectClient();
        _jObject.Bind(Frame.Channel, Frame.EventName, (JToken t) => _handled += t.Count());
        _pusherDotnet = new PusherDotnetStyleClient();
        _pusherDotnet.Bind(Frame.Channel, Frame.EventName, (JToken t) => _handled += t.Count());
        PusherWire_ParseRoute();
        if (_handled == 0)
        {
            throw new InvalidOperationException("The frame did not reach its handler.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>PusherWire: parse + route + callback, no socket (PusherConnection.ProcessMessage).</summary>
    [Benchmark(Baseline = true)]
    public void PusherWire_ParseRoute() => _rig.Feed(_message);

    /// <summary>PusherWire's frame parser alone (Utf8JsonReader pass, data unescaped into scratch).</summary>
    [Benchmark]
    public int PusherWire_ParseOnly() => FrameParser.TryParse(Frame.Wire, _scratch, out ParsedFrame frame, out _) ? frame.Data.Length : -1;

    [Benchmark]
    public void Stj_JsonDocument_DoubleParse() => _jsonDocument.Process(Frame.Wire);

    [Benchmark]
    public void Newtonsoft_JObject() => _jObject.Process(Frame.Wire);

    [Benchmark]
    public void Newtonsoft_PusherDotnetPipeline() => _pusherDotnet.Process(Frame.Wire);
}

internal static class JsonElementExtensions
{
    /// <summary>Touches the parsed payload so the DOM work cannot be skipped.</summary>
    public static int GetArrayLength_Safe(this JsonElement e) => e.ValueKind == JsonValueKind.Object ? 1 : 0;
}
