using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using PusherWire.Benchmarks;
using PusherWire.LoadRunners;

// `-- loopback [--scale]`: the loopback suite (throughput, latency at fixed rates, optional scale), the same runs as
// `pusherwire bench`. Anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "loopback")
{
    LoadSuiteResult result = await LoadSuite.RunAsync(new LoadSuiteOptions
    {
        PayloadJson = SeedFrames.Message.PayloadJson,
        Channel = SeedFrames.Message.Channel,
        EventName = SeedFrames.Message.EventName,
        IncludeScale = args.Contains("--scale"),
    }, Console.Out).ConfigureAwait(false);
    return result.Complete ? 0 : 1;
}

// `-- profile-route <frame> <seconds>`: a bare loop over the parse+route path for an external profiler (perf, valgrind).
if (args.Length > 0 && args[0] == "profile-route")
{
    SeedFrame frame = SeedFrames.All.First(f => f.Name == (args.Length > 1 ? args[1] : "message"));
    double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
    return ProfileLoops.Route(frame, TimeSpan.FromSeconds(seconds), Console.Out);
}

// `-- profile-loopback-allocations [events]`: which types the process allocates during a loopback blast and a paced run.
if (args.Length > 0 && args[0] == "profile-loopback-allocations")
{
    return await ProfileLoops.LoopbackAllocationsAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000, Console.Out).ConfigureAwait(false);
}

Console.WriteLine($"machine: {MachineInfo.Describe()}");
List<Summary> summaries = [.. BenchmarkSwitcher.FromAssembly(typeof(SeedFrames).Assembly).Run(args)];

// BenchmarkDotNet exits 0 even when nothing matched the filter or a benchmark failed: make both visible to scripts.
if (summaries.Count == 0 || summaries.All(s => s.Reports.Length == 0))
{
    Console.Error.WriteLine("No benchmark ran (nothing matched the filter?).");
    return 1;
}

if (summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)))
{
    Console.Error.WriteLine("Some benchmarks failed or did not validate.");
    return 1;
}

return 0;
