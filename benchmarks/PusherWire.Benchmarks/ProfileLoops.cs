using System.Buffers;
using System.Diagnostics;

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
}
