// A counting-only consumer process: PusherClient (or a bare ClientWebSocket with --raw) that counts events and reports.
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using PusherWire;
using PusherWire.Authorization;

// Usage: PusherWire.Consumer --port P --channel C --count N [--warmup W] [--host 127.0.0.1] [--key K] [--auth URL] [--base NS] [--raw]
//   Prints "done N" once W + N events have been handled (the first W are left out of the latencies) (plus "latency p50 p90 p99 p99.9 max" in µs with --base), then waits
//   for stdin to close so the runner can read the process's CPU and peak RSS from /proc first.
//   --base: the runner's Stopwatch timestamp (ns, CLOCK_MONOTONIC, shared by every process on the machine); each event
//   carries its send time as microseconds since then in "seq":"#dddddddddd".
Dictionary<string, string> a = Args.Parse(args);
int count = int.Parse(a["count"], CultureInfo.InvariantCulture);
int warmup = a.TryGetValue("warmup", out string? w) ? int.Parse(w, CultureInfo.InvariantCulture) : 0; // left out of the latencies
long? baseTicks = a.TryGetValue("base", out string? b) ? long.Parse(b, CultureInfo.InvariantCulture) : null;
var latencies = baseTicks is null ? null : new long[count];
string? traceDir = Environment.GetEnvironmentVariable("CONSUMER_TRACE"); // every event's send time and latency, written there
var trace = baseTicks is null || traceDir is null ? null : new (long Sent, long Latency)[warmup + count];
int received = 0;
long poolItemsAtStart = 0;
var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

void OnEvent(ReadOnlySpan<byte> data)
{
    int measured = received - warmup;
    if (measured == 0)
    {
        poolItemsAtStart = ThreadPool.CompletedWorkItemCount;
    }

    // Timed during the warm-up too, so the measured events do not pay for the first calls of the timing code.
    if (latencies is not null && Seq.TryRead(data, out long sentUs))
    {
        long nowUs = (Stopwatch.GetTimestamp() - baseTicks!.Value) * 1_000_000 / Stopwatch.Frequency;
        if (trace is not null && received < trace.Length)
        {
            trace[received] = (sentUs, nowUs - sentUs);
        }

        if (measured >= 0 && measured < count)
        {
            latencies[measured] = nowUs - sentUs;
        }
    }

    if (++received == warmup + count)
    {
        done.TrySetResult();
    }
}

string host = a.GetValueOrDefault("host", "127.0.0.1");
int port = int.Parse(a["port"], CultureInfo.InvariantCulture);
string key = a.GetValueOrDefault("key", "app-key");
IAsyncDisposable client;
if (a.ContainsKey("raw"))
{
    client = await RawConsumer.StartAsync(new Uri($"ws://{host}:{port}/app/{key}?protocol=7"), OnEvent);
}
else
{
    var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(new Uri(a.GetValueOrDefault("auth", $"http://{host}:{port}/broadcasting/auth"))) { AllowInsecureTransport = true });
    var pusher = new PusherClient(new PusherOptions(key) { Host = host, Port = port, UseTls = false, AllowInsecureTransport = true, Authorizer = authorizer });
    pusher.Subscribe(a["channel"]).BindAll((in PusherEvent e) => OnEvent(e.Data));
    await pusher.ConnectAsync();
    client = pusher;
}

await done.Task;
Console.WriteLine($"done {received}");
if (trace is not null)
{
    Console.Error.WriteLine($"thread-pool work items while the measured events arrived: {ThreadPool.CompletedWorkItemCount - poolItemsAtStart}");
    string tracePath = Path.Combine(traceDir!, $"{(a.ContainsKey("raw") ? "raw" : "lib")}-{Environment.ProcessId}.txt");
    File.WriteAllLines(tracePath, trace.Select(t => $"{t.Sent} {t.Latency}"));
}
if (latencies is not null)
{
    Array.Sort(latencies);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"latency {P(0.50)} {P(0.90)} {P(0.99)} {P(0.999)} {latencies[^1]}"));
}

Console.Out.Flush();
Console.In.ReadToEnd();
await client.DisposeAsync();
return 0;

long P(double q) => latencies![Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];

/// <summary>Reads the send time the runner wrote into the event.</summary>
internal static class Seq
{
    public static bool TryRead(ReadOnlySpan<byte> data, out long value)
    {
        // Works on the unescaped data and on a raw frame (where the quotes are escaped) alike.
        value = 0;
        int at = data.IndexOf("seq"u8);
        int hash = at < 0 ? -1 : data[at..].IndexOf((byte)'#');
        return hash >= 0 && data.Length >= at + hash + 11 && Utf8Parser.TryParse(data.Slice(at + hash + 1, 10), out value, out int used) && used == 10;
    }
}

/// <summary>--key value pairs and bare --flags.</summary>
internal static class Args
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i].TrimStart('-');
            result[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
        }

        return result;
    }
}

/// <summary>The ceiling: a ClientWebSocket read loop into one buffer that counts complete messages.</summary>
internal sealed class RawConsumer : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Task _loop = Task.CompletedTask;

    public delegate void Handler(ReadOnlySpan<byte> message);

    public static async Task<RawConsumer> StartAsync(Uri uri, Handler onMessage)
    {
        var raw = new RawConsumer();
        raw._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await raw._socket.ConnectAsync(uri, CancellationToken.None);
        ValueWebSocketReceiveResult first;
        do
        {
            first = await raw._socket.ReceiveAsync(raw._buffer.AsMemory(), CancellationToken.None); // connection_established
        }
        while (!first.EndOfMessage);
        raw._loop = Task.Run(() => raw.LoopAsync(onMessage));
        return raw;
    }

    private async Task LoopAsync(Handler onMessage)
    {
        int filled = 0;
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(_buffer.AsMemory(filled), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                filled += result.Count;
                if (result.EndOfMessage)
                {
                    onMessage(_buffer.AsSpan(0, filled));
                    filled = 0;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _loop;
        _socket.Dispose();
    }
}
