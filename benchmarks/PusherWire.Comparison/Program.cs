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
    string[] wanted = only.Split(',');
    clients = [.. clients.Where(c => wanted.Any(w => c.Name.Contains(w, StringComparison.OrdinalIgnoreCase)))];
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
        ones[kind] = await Runner.RunAsync(kind, payload, 1, null, TimeSpan.FromSeconds(60));
        runs[kind] = [];
    }

    for (int r = 0; r < repeats; r++)
    {
        foreach (ClientKind kind in clients)
        {
            RunResult all = await Runner.RunAsync(kind, payload, count, null, TimeSpan.FromSeconds(120));
            double usPerEvent = (all.Stats.Cpu - ones[kind].Stats.Cpu).TotalMicroseconds / (count - 1);
            runs[kind].Add((usPerEvent, all));
            Console.WriteLine($"  run {r + 1}/{repeats}: {kind.Name}: {usPerEvent:N2} µs/event, {count / all.Elapsed.TotalSeconds:N0} events/s  (load {MachineInfo.LoadAverage})");
        }
    }

    var rows = new List<string>();
    foreach (ClientKind kind in clients)
    {
        var sorted = runs[kind].OrderBy(x => x.UsPerEvent).ToList();
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
    double warmupSeconds = double.Parse(options.GetValueOrDefault("warmup-seconds", "1"), CultureInfo.InvariantCulture);
    var rows = new List<string>();
    foreach (double rate in rates)
    {
        foreach (ClientKind kind in clients)
        {
            int count = (int)Math.Max(500, rate * seconds);
            RunResult run = await Runner.RunAsync(kind, payload, count, rate, TimeSpan.FromSeconds(60), (int)(rate * warmupSeconds));
            long[] l = run.LatencyUs ?? [0, 0, 0, 0, 0];
            string what = kind.Output == Output.Lines ? "send → stdout line" : "send → handler";
            string row = $"| {rate:N0}/s | {kind.Name} | {what} | {count:N0} | {l[0]:N0} | {l[1]:N0} | {l[2]:N0} | {l[3]:N0} | {l[4]:N0} |";
            Console.WriteLine($"  {row}  (load {MachineInfo.LoadAverage})");
            rows.Add(row);
        }
    }

    Console.WriteLine();
    Console.WriteLine("| rate | client | measured | events | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |");
    Console.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|---:|");
    rows.ForEach(Console.WriteLine);
}
else
{
    Console.Error.WriteLine("usage: PusherWire.Comparison cpu [--count N] | latency [--rates 1000,10000,50000] [--seconds 2] [--warmup-seconds 1]  [--clients name,...] [--root DIR]");
    return 2;
}

return 0;

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
