using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace PusherWire.Benchmarks;

/// <summary>
/// Samples allocations in-process through the runtime's GCAllocationTick event (one event per ~100 KB allocated, with
/// the type that crossed the mark), for the loopback runs where BenchmarkDotNet's per-thread counters cannot separate
/// the server from the client.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> BytesByType => _bytesByType;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick is verbose
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not null && eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && eventData.Payload is { } payload && eventData.PayloadNames is { } names)
        {
            int type = names.IndexOf("TypeName");
            int amount = names.IndexOf("AllocationAmount64");
            if (type >= 0 && amount >= 0)
            {
                _bytesByType.AddOrUpdate((string)payload[type]!, (long)(ulong)payload[amount]!, (_, b) => b + (long)(ulong)payload[amount]!);
            }
        }
    }
}
