using BenchmarkDotNet.Attributes;
using PusherWire.LoadRunners;

namespace PusherWire.Benchmarks;

/// <summary>
/// Items 4 and 6 with BenchmarkDotNet's statistics: the seed <c>message</c> event blasted over one loopback WebSocket
/// from the embedded server, to PusherWire and to the ceiling (a bare ClientWebSocket read loop that only counts).
/// Time per operation is per event (OperationsPerInvoke); Allocated is the whole process (server included) per event.
/// Latency percentiles at fixed rates are not a BDN shape: they are in the loopback suite (<c>-- loopback</c>, or
/// <c>pusherwire bench</c>).
/// </summary>
[MemoryDiagnoser]
public class LoopbackBenchmarks
{
    private const int EventsPerInvoke = 20_000;
    private LoopbackSession _session = null!;

    [Params(LoadClientKind.PusherWire, LoadClientKind.RawWebSocket)]
    public LoadClientKind Client { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _session = LoopbackSession.StartAsync(new LoopbackSessionOptions
        {
            Client = Client,
            Channel = SeedFrames.Message.Channel,
            EventName = SeedFrames.Message.EventName,
            PayloadJson = SeedFrames.Message.PayloadJson,
        }).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _session.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public int Blast()
    {
        BlastResult result = _session.BlastAsync(EventsPerInvoke, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        return result.Complete ? result.Received : throw new InvalidOperationException($"Only {result.Received:N0} of {result.Sent:N0} events arrived.");
    }
}
