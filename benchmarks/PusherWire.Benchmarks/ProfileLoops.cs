using System.Buffers;
using System.Diagnostics;
using PusherWire.LoadRunners;

namespace PusherWire.Benchmarks;

/// <summary>Plain loops for external profilers: no BenchmarkDotNet machinery in the samples.</summary>
internal static class ProfileLoops
{
    public static int Route(SeedFrame frame, TimeSpan duration, TextWriter output)
    {
        RoutingRig rig = new();
        long handled = 0;
        rig.Client.Subscribe(frame.Channel).Bind(frame.EventName, (in PusherEvent e) => handled += e.Data.Length);
        var message = new ReadOnlySequence<byte>(frame.Wire);
        for (int i = 0; i < 200_000; i++)
        {
            rig.Feed(message); // warm up: tiered JIT reaches its final code
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        long count = 0;
        while (Stopwatch.GetElapsedTime(start) < duration)
        {
            for (int i = 0; i < 10_000; i++)
            {
                rig.Feed(message);
            }

            count += 10_000;
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime - cpuBefore;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{frame}: {count:N0} frames in {elapsed.TotalSeconds:N2} s = {count / elapsed.TotalSeconds:N0} frames/s, {elapsed.TotalNanoseconds / count:N0} ns/frame wall, {cpu.TotalNanoseconds / count:N0} ns/frame CPU (process), {allocated} B allocated, {handled:N0} data bytes handled");
        return 0;
    }

    public static async Task<int> LoopbackAllocationsAsync(int events, TextWriter output)
    {
        await using LoopbackSession session = await LoopbackSession.StartAsync(new LoopbackSessionOptions
        {
            Channel = SeedFrames.Message.Channel,
            EventName = SeedFrames.Message.EventName,
            PayloadJson = SeedFrames.Message.PayloadJson,
        }).ConfigureAwait(false);
        await session.BlastAsync(20_000, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        foreach ((string label, Func<Task<BlastResult>> run) in new (string, Func<Task<BlastResult>>)[]
        {
            ("blast (back to back)", () => session.BlastAsync(events, TimeSpan.FromSeconds(60))),
            ("paced 20,000/s", async () =>
            {
                LatencyResult r = await session.RunAtRateAsync(events, 20_000, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                return new BlastResult(r.Client, r.Sent, r.Received, session.FrameBytes, TimeSpan.Zero, r.Gc);
            }),
        })
        {
            using var sampler = new AllocationSampler();
            BlastResult result = await run().ConfigureAwait(false);
            output.WriteLine($"{label}: {result.Received:N0}/{result.Sent:N0} events, {result.AllocatedBytesPerEvent:N0} B/event in the process, GC {result.Gc.Gen0}/{result.Gc.Gen1}/{result.Gc.Gen2}; sampled by type:");
            long total = sampler.BytesByType.Values.Sum();
            foreach ((string type, long bytes) in sampler.BytesByType.OrderByDescending(p => p.Value).Take(12))
            {
                output.WriteLine($"  {100.0 * bytes / Math.Max(1, total),5:N1}%  {type}");
            }
        }

        return 0;
    }
}
