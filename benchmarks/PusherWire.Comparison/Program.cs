// PusherWire vs pusher-js, each client in its own process: `cpu` (µs of client CPU per event, events/s, peak RSS) and
// `latency` (send → handler, send → stdout line, at fixed rates). Usage: see benchmarks/compare.sh and docs/performance.md.
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using PusherWire.Comparison;
using PusherWire.LoadRunners;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string mode = args.Length > 0 ? args[0] : "cpu";
Dictionary<string, string> options = ParseOptions(args.Skip(1).ToArray());
string root = options.GetValueOrDefault("root", FindRoot());
bool node = HasCommand("node");
if (!node)
{
    Console.WriteLine("node not found: the pusher-js rows are skipped (install Node.js 20+ and run `npm install` in benchmarks/pusher-js).");
}
else if (!Directory.Exists(Path.Combine(root, "benchmarks/pusher-js/node_modules/pusher-js")))
{
    Console.WriteLine("benchmarks/pusher-js/node_modules is missing: the pusher-js rows are skipped (run `npm install` there; compare.sh does).");
    node = false;
}

IReadOnlyList<ClientKind> clients = Clients.All(root, node);
if (options.TryGetValue("clients", out string? only))
{
    // A name given exactly selects that client alone; otherwise every client whose name contains it (its variants too).
    string[] wanted = only.Split(',');
    clients = [.. clients.Where(c => wanted.Any(w => clients.Any(k => k.Name.Equals(w, StringComparison.OrdinalIgnoreCase))
        ? c.Name.Equals(w, StringComparison.OrdinalIgnoreCase)
        : c.Name.Contains(w, StringComparison.OrdinalIgnoreCase)))];
}

string payload = LoadPayload.Minify(MessagePayload());
Console.WriteLine($"machine: {MachineInfo.Describe()}");
Console.WriteLine($"frame: ChatApp `message` sample with a seq field, {new SequencedFrame(Runner.Channel, "message", payload).Length} bytes");
if (mode == "cpu")
{
    int count = int.Parse(options.GetValueOrDefault("count", "200000"), CultureInfo.InvariantCulture);
    // Runs interleave (A B C, A B C, ...) so a drift in the machine's load hits every client alike; the median run is
    // reported, with the spread.
    int repeats = int.Parse(options.GetValueOrDefault("repeats", "1"), CultureInfo.InvariantCulture);
    var ones = new Dictionary<ClientKind, RunResult>();
    var runs = new Dictionary<ClientKind, List<(double UsPerEvent, RunResult Run)>>();
    foreach (ClientKind kind in clients)
    {
        if (await TryRunAsync(kind, payload, 1, null, TimeSpan.FromSeconds(60)) is { } one)
        {
            ones[kind] = one;
        }

        runs[kind] = [];
    }

    for (int r = 0; r < repeats; r++)
    {
        foreach (ClientKind kind in clients)
        {
            if (!ones.ContainsKey(kind) || await TryRunAsync(kind, payload, count, null, TimeSpan.FromSeconds(120)) is not { } all)
            {
                continue;
            }

            double usPerEvent = (all.Stats.Cpu - ones[kind].Stats.Cpu).TotalMicroseconds / (count - 1);
            runs[kind].Add((usPerEvent, all));
            Console.WriteLine($"  run {r + 1}/{repeats}: {kind.Name}: {usPerEvent:N2} µs/event, {count / all.Elapsed.TotalSeconds:N0} events/s  (load {MachineInfo.LoadAverage})");
        }
    }

    var rows = new List<string>();
    foreach (ClientKind kind in clients)
    {
        var sorted = runs[kind].OrderBy(x => x.UsPerEvent).ToList();
        if (sorted.Count == 0)
        {
            rows.Add($"| {kind.Name} | {count:N0} | failed (see above) | | | | |");
            continue;
        }

        (double usPerEvent, RunResult all) = sorted[sorted.Count / 2];
        RunResult one = ones[kind];
        string spread = sorted.Count > 1 ? $" ({sorted[0].UsPerEvent:N2}–{sorted[^1].UsPerEvent:N2})" : "";
        rows.Add($"| {kind.Name} | {count:N0} | {usPerEvent:N2} µs{spread} | {count / all.Elapsed.TotalSeconds:N0} | {sorted.Max(x => x.Run.Stats.PeakRssBytes) / 1048576.0:N1} MiB | {one.StartToDone.TotalMilliseconds:N0} ms / {one.Stats.Cpu.TotalMilliseconds:N0} ms | {all.Stats.Cpu.TotalMilliseconds:N0} ms |");
    }

    Console.WriteLine();
    Console.WriteLine("| client | events | client CPU per event (net of a 1-event run; median, range over the runs) | events/s | peak RSS | 1-event run: wall / CPU (start, connect, subscribe, 1 event) | CPU, whole run |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    rows.ForEach(Console.WriteLine);
}
else if (mode == "latency")
{
    double[] rates = [.. options.GetValueOrDefault("rates", "1000,10000,50000").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
    double seconds = double.Parse(options.GetValueOrDefault("seconds", "2"), CultureInfo.InvariantCulture);
    // 3 s: .NET's tiered PGO is still promoting the hot methods a second in (docs/performance.md); every client gets the
    // same warm-up at the same rate.
    double warmupSeconds = double.Parse(options.GetValueOrDefault("warmup-seconds", "3"), CultureInfo.InvariantCulture);
    // Runs interleave (A B C, A B C, ...) and each percentile is the median over the runs, with its range: on a shared
    // VM single 5-second runs differ by more than the clients do.
    int repeats = int.Parse(options.GetValueOrDefault("repeats", "1"), CultureInfo.InvariantCulture);
    var rows = new List<string>();
    foreach (double rate in rates)
    {
        int count = (int)Math.Max(500, rate * seconds);
        var runs = clients.ToDictionary(k => k, _ => new List<long[]>());
        for (int r = 0; r < repeats; r++)
        {
            foreach (ClientKind kind in clients)
            {
                if (await TryRunAsync(kind, payload, count, rate, TimeSpan.FromSeconds(60), (int)(rate * warmupSeconds)) is not { } run)
                {
                    continue;
                }

                long[] l = run.LatencyUs ?? [0, 0, 0, 0, 0];
                runs[kind].Add(l);
                Console.WriteLine($"  run {r + 1}/{repeats}: {rate:N0}/s {kind.Name}: {l[0]:N0} / {l[1]:N0} / {l[2]:N0} / {l[3]:N0} / {l[4]:N0} µs  (load {MachineInfo.LoadAverage})");
            }
        }

        foreach (ClientKind kind in clients)
        {
            string what = kind.Output == Output.Lines ? "send → stdout line" : "send → handler";
            if (runs[kind].Count == 0)
            {
                rows.Add($"| {rate:N0}/s | {kind.Name} | {what} | {count:N0} × 0 | failed (see above) | | | | |");
                continue;
            }

            string Cell(int i)
            {
                long[] values = [.. runs[kind].Select(l => l[i]).Order()];
                return values.Length > 1 ? $"{values[values.Length / 2]:N0} ({values[0]:N0}–{values[^1]:N0})" : $"{values[0]:N0}";
            }

            rows.Add($"| {rate:N0}/s | {kind.Name} | {what} | {count:N0} × {repeats} | {Cell(0)} | {Cell(1)} | {Cell(2)} | {Cell(3)} | {Cell(4)} |");
        }
    }

    Console.WriteLine();
    Console.WriteLine("| rate | client | measured | events × runs | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |");
    Console.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|---:|");
    rows.ForEach(Console.WriteLine);
}
else
{
    Console.Error.WriteLine("usage: PusherWire.Comparison cpu [--count N] | latency [--rates 1000,10000,50000] [--seconds 2] [--warmup-seconds 3] [--repeats 1]  [--clients name,...] [--root DIR]");
    return 2;
}

return 0;

// A client that crashes or falls too far behind is reported and left out; the others still run.
static async Task<RunResult?> TryRunAsync(ClientKind kind, string payload, int count, double? rate, TimeSpan timeout, int warmup = 0)
{
    try
    {
        return await Runner.RunAsync(kind, payload, count, rate, timeout, warmup);
    }
    catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
    {
        Console.WriteLine($"  {kind.Name}: failed: {e.Message}");
        return null;
    }
}

static Dictionary<string, string> ParseOptions(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}

static string FindRoot()
{
    for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "PusherWire.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

static bool HasCommand(string name) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, name)));

static string MessagePayload()
{
    using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("chatapp-samples.json")!;
    using JsonDocument samples = JsonDocument.Parse(stream);
    return samples.RootElement.EnumerateArray().First(e => e.GetProperty("event").GetString() == "message").GetProperty("payload").GetRawText();
}
