using System.Globalization;

namespace PusherWire.LoadRunners;

/// <summary>Settings of <see cref="LoadSuite.RunAsync"/>; the defaults are what <c>pusherwire bench</c> runs.</summary>
public sealed record LoadSuiteOptions
{
    /// <summary>The event data (a JSON object), e.g. ChatApp's <c>message</c> sample.</summary>
    public required string PayloadJson { get; init; }

    /// <summary>The channel. Default ChatApp's license-messenger channel.</summary>
    public string Channel { get; init; } = "private-v1.licenses.1229.messengers.telegram";

    /// <summary>The event name. Default <c>message</c>.</summary>
    public string EventName { get; init; } = "message";

    /// <summary>Events per throughput run. Default 200,000.</summary>
    public int BlastCount { get; init; } = 200_000;

    /// <summary>Throughput runs per client; the median is reported. Default 5.</summary>
    public int BlastRepeats { get; init; } = 5;

    /// <summary>Events sent unmeasured first (JIT, pools, TCP windows). Default 20,000.</summary>
    public int Warmup { get; init; } = 20_000;

    /// <summary>Fixed rates (events/s) for the latency runs. Default 10,000 and 100,000.</summary>
    public IReadOnlyList<double> Rates { get; init; } = [10_000, 100_000];

    /// <summary>Length of each latency run (events = rate × seconds). Default 3 s.</summary>
    public double SecondsPerRate { get; init; } = 3;

    /// <summary>Also run the bare ClientWebSocket ceiling. Default true.</summary>
    public bool IncludeCeiling { get; init; } = true;

    /// <summary>Also run the scale tests (connections, channels). Default false.</summary>
    public bool IncludeScale { get; init; }

    /// <summary>Connections in the scale test. Default 1,000.</summary>
    public int Connections { get; init; } = 1_000;

    /// <summary>Channels per connection in the scale test. Default 4.</summary>
    public int ChannelsPerConnection { get; init; } = 4;

    /// <summary>Channels on one connection in the scale test. Default 10,000.</summary>
    public int Channels { get; init; } = 10_000;

    /// <summary>Bounds each single run (not the suite). Default 60 s.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>What <see cref="LoadSuite.RunAsync"/> measured.</summary>
/// <param name="Blasts">Median throughput run per client.</param>
/// <param name="Latencies">One latency run per client and rate.</param>
/// <param name="Connections">The connection scale runs (raw baseline first), when asked for.</param>
/// <param name="Channels">The channel scale run, when asked for.</param>
public sealed record LoadSuiteResult(IReadOnlyList<BlastResult> Blasts, IReadOnlyList<LatencyResult> Latencies, IReadOnlyList<ScaleResult> Connections, ChannelScaleResult? Channels)
{
    /// <summary>True when every run delivered every event and every connection and channel came up.</summary>
    public bool Complete =>
        Blasts.All(b => b.Complete) && Latencies.All(l => l.Complete)
        && Connections.All(c => c.Connected == c.Connections && c.SubscribedChannels == c.Connected * c.ChannelsPerConnection)
        && (Channels is null || (Channels.Subscribed == Channels.Channels && Channels.Routed.Complete));
}

/// <summary>
/// The loopback suite behind <c>pusherwire bench</c> and the benchmark project's <c>loopback</c> mode: throughput
/// (PusherWire against the bare-socket ceiling), latency at fixed rates and, optionally, scale. Prints Markdown tables.
/// </summary>
public static class LoadSuite
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Runs the suite, writing progress and tables to <paramref name="output"/>.</summary>
    public static Task<LoadSuiteResult> RunAsync(LoadSuiteOptions options, TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(options, output, output, cancellationToken);

    /// <summary>
    /// Runs the suite: the machine line and the result tables go to <paramref name="output"/>, the per-run progress
    /// lines to <paramref name="progress"/> (the CLI passes stderr, so stdout holds only results).
    /// </summary>
    public static async Task<LoadSuiteResult> RunAsync(LoadSuiteOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(progress);
        await output.WriteLineAsync($"machine: {MachineInfo.Describe()}").ConfigureAwait(false);
        var blasts = new List<BlastResult>();
        var latencies = new List<LatencyResult>();
        LoadClientKind[] kinds = options.IncludeCeiling ? [LoadClientKind.PusherWire, LoadClientKind.RawWebSocket] : [LoadClientKind.PusherWire];
        var sessions = new List<LoopbackSession>();
        try
        {
            foreach (LoadClientKind kind in kinds)
            {
                await progress.WriteLineAsync($"{Name(kind)}: connecting, warming up ({options.Warmup:N0} events)...").ConfigureAwait(false);
                LoopbackSession session = await LoopbackSession.StartAsync(new LoopbackSessionOptions
                {
                    Client = kind,
                    Channel = options.Channel,
                    EventName = options.EventName,
                    PayloadJson = options.PayloadJson,
                }, cancellationToken).ConfigureAwait(false);
                sessions.Add(session);
                if (options.Warmup > 0)
                {
                    await session.BlastAsync(options.Warmup, options.RunTimeout, cancellationToken).ConfigureAwait(false);
                }
            }

            // The clients take turns run by run, so load from elsewhere on the machine hits both alike.
            var runs = sessions.ToDictionary(s => s.Client, _ => new List<BlastResult>());
            for (int i = 0; i < Math.Max(1, options.BlastRepeats); i++)
            {
                foreach (LoopbackSession session in sessions)
                {
                    BlastResult run = await session.BlastAsync(options.BlastCount, options.RunTimeout, cancellationToken).ConfigureAwait(false);
                    runs[session.Client].Add(run);
                    await progress.WriteLineAsync(string.Create(Invariant, $"  blast {i + 1}, {Name(session.Client)}: {run.Received:N0}/{run.Sent:N0} events in {run.Elapsed.TotalMilliseconds:N0} ms = {run.EventsPerSecond:N0} events/s (load {MachineInfo.LoadAverage})")).ConfigureAwait(false);
                }
            }

            blasts.AddRange(runs.Values.Select(r => r.OrderBy(b => b.EventsPerSecond).ElementAt(r.Count / 2)));
            foreach (double rate in options.Rates)
            {
                foreach (LoopbackSession session in sessions)
                {
                    int count = (int)Math.Max(1_000, rate * options.SecondsPerRate);
                    LatencyResult paced = await session.RunAtRateAsync(count, rate, options.RunTimeout, cancellationToken).ConfigureAwait(false);
                    latencies.Add(paced);
                    await progress.WriteLineAsync(string.Create(Invariant, $"  {rate:N0}/s, {Name(session.Client)}: {paced.Received:N0}/{paced.Sent:N0} events, p50 {Us(paced.Latency.P50)}, p99 {Us(paced.Latency.P99)} (load {MachineInfo.LoadAverage})")).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (LoopbackSession session in sessions)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        var connections = new List<ScaleResult>();
        ChannelScaleResult? channels = null;
        if (options.IncludeScale)
        {
            foreach (LoadClientKind kind in new[] { LoadClientKind.RawWebSocket, LoadClientKind.PusherWire })
            {
                await progress.WriteLineAsync(string.Create(Invariant, $"scale: {options.Connections:N0} {Name(kind)} connections...")).ConfigureAwait(false);
                connections.Add(await ScaleRunner.RunConnectionsAsync(new ConnectionScaleOptions
                {
                    Connections = options.Connections,
                    ChannelsPerConnection = options.ChannelsPerConnection,
                    Client = kind,
                    Timeout = options.RunTimeout * 2,
                }, cancellationToken).ConfigureAwait(false));
            }

            await progress.WriteLineAsync(string.Create(Invariant, $"scale: {options.Channels:N0} channels on one connection...")).ConfigureAwait(false);
            channels = await ScaleRunner.RunChannelsAsync(new ChannelScaleOptions
            {
                Channels = options.Channels,
                EventName = options.EventName,
                PayloadJson = options.PayloadJson,
                Timeout = options.RunTimeout * 2,
            }, cancellationToken).ConfigureAwait(false);
        }

        var result = new LoadSuiteResult(blasts, latencies, connections, channels);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteAsync(FormatTables(result)).ConfigureAwait(false);
        return result;
    }

    /// <summary>The results as Markdown tables.</summary>
    public static string FormatTables(LoadSuiteResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new System.Text.StringBuilder();
        BlastResult? ceiling = result.Blasts.FirstOrDefault(b => b.Client == LoadClientKind.RawWebSocket);
        text.AppendLine("Throughput: one connection, events sent back to back (median run)").AppendLine()
            .AppendLine("| client | events | frame | events/s | MB/s | share of ceiling | process alloc/event | client alloc/event (process − ceiling run) | GC 0/1/2 | complete |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (BlastResult b in result.Blasts)
        {
            string share = ceiling is null ? "-" : (b.EventsPerSecond / ceiling.EventsPerSecond).ToString("P0", Invariant);
            text.AppendLine(string.Create(Invariant,
                $"| {Name(b.Client)} | {b.Sent:N0} | {b.FrameBytes:N0} B | {b.EventsPerSecond:N0} | {b.MegabytesPerSecond:N1} | {share} | {b.AllocatedBytesPerEvent:N1} B | {Net(b.AllocatedBytesPerEvent, ceiling?.AllocatedBytesPerEvent, b.Client)} | {b.Gc.Gen0}/{b.Gc.Gen1}/{b.Gc.Gen2} | {Yes(b.Complete)} |"));
        }

        if (result.Latencies.Count > 0)
        {
            text.AppendLine().AppendLine("Latency: server send timestamp → handler, fixed rate").AppendLine()
                .AppendLine("| client | rate | sent at | events | p50 | p90 | p99 | p99.9 | max | sender late by (max) | process alloc/event | client alloc/event (process − ceiling run) | complete |")
                .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (LatencyResult l in result.Latencies)
            {
                LatencySummary s = l.Latency;
                LatencyResult? rawAtRate = result.Latencies.FirstOrDefault(r => r.Client == LoadClientKind.RawWebSocket && r.TargetRate == l.TargetRate);
                text.AppendLine(string.Create(Invariant,
                    $"| {Name(l.Client)} | {l.TargetRate:N0}/s | {l.AchievedRate:N0}/s | {l.Received:N0} | {Us(s.P50)} | {Us(s.P90)} | {Us(s.P99)} | {Us(s.P999)} | {Us(s.Max)} | {Us(l.MaxBehindSchedule)} | {PerEvent(l):N1} B | {Net(PerEvent(l), rawAtRate is null ? null : PerEvent(rawAtRate), l.Client)} | {Yes(l.Complete)} |"));
            }
        }

        if (result.Connections.Count > 0)
        {
            text.AppendLine().AppendLine("Scale: connections in one process (heap = live managed heap growth, client and in-process server)").AppendLine()
                .AppendLine("| client | connections | channels each | subscribed | all ready in | connect p50 / p99 | ready p50 / p99 | heap per connection |")
                .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (ScaleResult c in result.Connections)
            {
                text.AppendLine(string.Create(Invariant,
                    $"| {Name(c.Client)} | {c.Connected:N0}/{c.Connections:N0} | {c.ChannelsPerConnection} | {c.SubscribedChannels:N0} | {c.Total.TotalSeconds:N2} s | {Ms(c.ConnectTime.P50)} / {Ms(c.ConnectTime.P99)} | {Ms(c.ReadyTime.P50)} / {Ms(c.ReadyTime.P99)} | {c.HeapBytesPerConnection / 1024:N1} KiB |"));
            }
        }

        if (result.Channels is { } ch)
        {
            text.AppendLine().AppendLine("Scale: channels on one connection").AppendLine()
                .AppendLine("| channels | subscribed | Subscribe() calls | all subscribed in | heap per channel | one event per channel | complete |")
                .AppendLine("|---:|---:|---:|---:|---:|---:|---|");
            text.AppendLine(string.Create(Invariant,
                $"| {ch.Channels:N0} | {ch.Subscribed:N0} | {ch.SubscribeCalls.TotalMilliseconds:N0} ms | {ch.SubscribeAll.TotalSeconds:N2} s | {ch.HeapBytesPerChannel:N0} B | {ch.Routed.EventsPerSecond:N0} events/s | {Yes(ch.Routed.Complete && ch.Subscribed == ch.Channels)} |"));
        }

        return text.ToString();
    }

    private static double PerEvent(LatencyResult l) => l.Sent > 0 ? (double)l.Gc.AllocatedBytes / l.Sent : 0;

    /// <summary>
    /// The client's share of the process-wide allocations: the ceiling run has the same in-process server, the same
    /// frames and a read loop that allocates nothing per message, so its figure is the server's cost.
    /// </summary>
    private static string Net(double perEvent, double? ceilingPerEvent, LoadClientKind client) =>
        client == LoadClientKind.RawWebSocket || ceilingPerEvent is not { } c ? "-" : string.Create(Invariant, $"{Math.Max(0, perEvent - c):N1} B");

    private static string Name(LoadClientKind kind) => kind == LoadClientKind.PusherWire ? "PusherWire" : "bare ClientWebSocket (ceiling)";

    private static string Yes(bool value) => value ? "yes" : "**NO**";

    private static string Us(TimeSpan t) => string.Create(Invariant, $"{t.TotalMicroseconds:N0} µs");

    private static string Ms(TimeSpan t) => string.Create(Invariant, $"{t.TotalMilliseconds:N1} ms");
}
