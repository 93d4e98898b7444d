using System.Text;
using System.Text.Json;
using PusherWire.Testing;
using PusherWire.LoadRunners;

namespace PusherWire.Benchmarks;

/// <summary>
/// One seed event as it arrives on the wire: ChatApp's documentation sample, minified, published on its channel kind's
/// channel with <c>data</c> JSON-encoded as a string (exactly what <see cref="PusherTestServer.EncodeEvent"/> and real
/// Pusher servers send).
/// </summary>
public sealed class SeedFrame
{
    internal SeedFrame(string name, string eventName, string channel, string payloadJson)
    {
        Name = name;
        EventName = eventName;
        Channel = channel;
        PayloadJson = payloadJson;
        Wire = PusherTestServer.EncodeEvent(channel, eventName, payloadJson);
        Data = Encoding.UTF8.GetBytes(payloadJson);
        EventNameUtf8 = Encoding.UTF8.GetBytes(eventName);
    }

    /// <summary>The event name, with <c>#2</c>, <c>#3</c> for the documentation's further samples of the same event.</summary>
    public string Name { get; }

    public string EventName { get; }

    public byte[] EventNameUtf8 { get; }

    public string Channel { get; }

    /// <summary>The event data (minified JSON).</summary>
    public string PayloadJson { get; }

    /// <summary>The unescaped data bytes, as a handler sees them in <see cref="PusherEvent.Data"/>.</summary>
    public byte[] Data { get; }

    /// <summary>The whole WebSocket text message.</summary>
    public byte[] Wire { get; }

    /// <summary>BenchmarkDotNet shows this in the parameter column.</summary>
    public override string ToString() => Name; // short: BDN truncates long parameter values (sizes: docs/performance.md)
}

/// <summary>The 20 samples of ChatApp's WebSocket documentation (all 17 event types).</summary>
public static class SeedFrames
{
    public const string LicenseChannel = "private-v1.licenses.1229.messengers.telegram";
    public const string CompanyChannel = "private-v1.companies.2224";
    public const string UserChannel = "private-v1.users.685";

    private static readonly Lazy<IReadOnlyList<SeedFrame>> Cache = new(Load);

    public static IReadOnlyList<SeedFrame> All => Cache.Value;

    /// <summary>
    /// The frames the per-frame benchmarks run: all of them, or those named (comma-separated, e.g. <c>message,chatRead</c>)
    /// in the <c>PUSHERWIRE_BENCH_FRAMES</c> environment variable, which BenchmarkDotNet's child processes inherit.
    /// </summary>
    public static IEnumerable<SeedFrame> Selected
    {
        get
        {
            string? names = Environment.GetEnvironmentVariable("PUSHERWIRE_BENCH_FRAMES");
            if (string.IsNullOrWhiteSpace(names))
            {
                return All;
            }

            var wanted = new HashSet<string>(names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
            return All.Where(f => wanted.Contains(f.Name));
        }
    }

    /// <summary>ChatApp's incoming message event, the ~1 KB frame of the headline number.</summary>
    public static SeedFrame Message => All[0];

    private static List<SeedFrame> Load()
    {
        using Stream stream = typeof(SeedFrames).Assembly.GetManifestResourceStream("chatapp-samples.json")
            ?? throw new InvalidOperationException("chatapp-samples.json is not embedded.");
        using JsonDocument document = JsonDocument.Parse(stream);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var frames = new List<SeedFrame>();
        foreach (JsonElement sample in document.RootElement.EnumerateArray())
        {
            string eventName = sample.GetProperty("event").GetString()!;
            int n = seen[eventName] = seen.GetValueOrDefault(eventName) + 1;
            string channel = sample.GetProperty("channelKind").GetString() switch
            {
                "company" => CompanyChannel,
                "user" => UserChannel,
                _ => LicenseChannel,
            };
            frames.Add(new SeedFrame(n == 1 ? eventName : $"{eventName}#{n}", eventName, channel, LoadPayload.Minify(sample.GetProperty("payload").GetRawText())));
        }

        return frames;
    }
}
