using System.Buffers;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Internal;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>A client whose parse and routing path is fed messages directly (no socket), as the fuzz harness does.</summary>
internal sealed class DirectFeed : IAsyncDisposable, IDisposable
{
    public DirectFeed()
    {
        Client = new PusherClient(new PusherOptions("key") { TimeProvider = new FakeTimeProvider(), ReaderQueueCapacity = 8 });
        Client.Error += (_, e) => Errors.Add(e);
        News = Client.Subscribe("news");
        News.BindAll((in PusherEvent e) => Seen.Add((e.GetEventName(), e.GetDataString())));
        Connection = new PusherConnection(Client, Client.Options);
        Client.AttachForRouting(Connection);
        Feed("""{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"}"""u8.ToArray());
    }

    public PusherClient Client { get; }

    public PusherChannel News { get; }

    public PusherConnection Connection { get; }

    public List<PusherException> Errors { get; } = [];

    public List<(string Event, string Data)> Seen { get; } = [];

    /// <summary>Feeds one message; anything escaping the parse/routing path fails the test.</summary>
    public void Feed(byte[] message, bool segmented = false)
    {
        ReadOnlySequence<byte> sequence = segmented && message.Length > 1 ? TwoSegments(message) : new ReadOnlySequence<byte>(message);
        ValueTask pending = Connection.ProcessMessage(sequence);
        Assert.That(pending.IsCompletedSuccessfully, Is.True);
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Client.DisposeAsync();
    }

    /// <summary>Nothing here waits on I/O (no socket was ever opened), so a synchronous dispose is safe.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static ReadOnlySequence<byte> TwoSegments(byte[] data)
    {
        var first = new Segment(data.AsMemory(0, data.Length / 2), 0);
        var second = new Segment(data.AsMemory(data.Length / 2), data.Length / 2);
        first.Next = second;
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public new ReadOnlySequenceSegment<byte>? Next
        {
            get => base.Next;
            set => base.Next = value;
        }
    }
}

/// <summary>Protocol input robustness (catalogue 28-34) and the limits (depth, size).</summary>
public class ProtocolInputTests
{
    [Test, CancelAfter(60_000)]
    public async Task S28_NonJsonFrames_AreReportedAndSkipped_ConnectionKept(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        using var got = new SemaphoreSlim(0);
        string? data = null;
        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent e) =>
        {
            data = e.GetDataString();
            got.Release();
        });
        string[] garbage = ["garbage", "{", "[]", "\"string\"", "{\"event\":5}", "{\"channel\":\"news\"}", "{\"event\":\"e\"} trailing", "null"];

        foreach (string g in garbage)
        {
            await server.SendRawAsync(g, ct);
        }

        await server.SendEventAsync("e", "news", "\"ok\"", ct);
        await got.WaitAsync(ct);

        Assert.That(data, Is.EqualTo("\"ok\""));
        Assert.That(r.Errors.OfType<PusherProtocolException>().Count(), Is.EqualTo(garbage.Length));
        Assert.That(r.Errors.OfType<PusherProtocolException>().Select(e => e.Message), Has.All.Not.Contain("garbage"), "payloads are not echoed");
        Assert.That(r.Server.Connections, Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task S29_DataShapes_AndUnknownPusherEvents_AreTolerated()
    {
        await using var f = new DirectFeed();
        string[] frames =
        [
            """{"event":"e","channel":"news","data":"{\"a\":1}"}""",
            """{"event":"e","channel":"news","data":"\"{\\\"double\\\":1}\""}""",
            """{"event":"e","channel":"news","data":{"obj":true}}""",
            """{"event":"e","channel":"news","data":null}""",
            """{"event":"e","channel":"news","data":42}""",
            """{"event":"e","channel":"news"}""",
            """{"event":"pusher:unknown","data":{}}""",
            """{"event":"pusher_internal:member_added","channel":"news","data":"{}"}""",
            """{"event":"pusher_internal:whatever","channel":"nope","data":"{}"}""",
        ];

        foreach (string frame in frames)
        {
            f.Feed(Encoding.UTF8.GetBytes(frame));
        }

        Assert.That(f.Seen, Is.EqualTo(new[]
        {
            ("e", """{"a":1}"""), ("e", "\"{\\\"double\\\":1}\""), ("e", """{"obj":true}"""), ("e", ""), ("e", "42"), ("e", ""),
        }));
        Assert.That(f.Errors, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S30_HostileJson_DepthSurrogatesBomNulHugeNumbers_OnlyDocumentedOutcomes()
    {
        await using var f = new DirectFeed();
        string deep = new string('[', 10_000) + new string(']', 10_000);
        // Expected: true = delivered, false = reported as PusherProtocolException, null = either is documented.
        (string Frame, bool? Delivered)[] cases =
        [
            ($$"""{"event":"e","channel":"news","data":{{deep}}}""", false),              // > MaxDepth 64
            ($$"""{"event":"e","channel":"news","data":{{new string('[', 60) + new string(']', 60)}}}""", true),
            ("""{"event":"e","channel":"news","data":"\ud800"}""", null),                    // lone surrogate
            ("""{"event":"e","channel":"news","data":1e400}""", true),                       // raw number text
            ("""{"event":"e","event":"e2","channel":"news","data":"dup"}""", true),         // duplicate key: last wins
            ("\uFEFF{\"event\":\"e\",\"channel\":\"news\",\"data\":\"bom\"}", null),
            ("{\"event\":\"e\",\"channel\":\"news\",\"data\":\"a\u0000b\"}", false),         // raw NUL in a string
            ($$"""{"event":"e","channel":"news","data":"{{new string('s', 300_000)}}"}""", true),
        ];

        foreach ((string frame, bool? expected) in cases)
        {
            int before = f.Seen.Count;
            int errors = f.Errors.Count;
            f.Feed(Encoding.UTF8.GetBytes(frame), segmented: true);
            bool routed = f.Seen.Count == before + 1;
            bool reported = f.Errors.Count == errors + 1 && f.Errors[^1] is PusherProtocolException;
            string what = frame[..Math.Min(frame.Length, 60)];
            Assert.That(routed ^ reported, Is.True, $"exactly one documented outcome for {what}");
            if (expected is { } deliver)
            {
                Assert.That(routed, Is.EqualTo(deliver), what);
            }

            f.Feed("""{"event":"probe","channel":"news","data":"p"}"""u8.ToArray());
            Assert.That(f.Seen[^1], Is.EqualTo(("probe", "p")), "a valid frame after it still routes");
        }

        Assert.That(f.Seen.Where(s => s.Event is "e" or "e2").Select(s => s.Data.Length > 200 ? "huge" : s.Data),
            Is.SupersetOf(new[] { new string('[', 60) + new string(']', 60), "1e400", "dup", "huge" }));
    }

    [Test, CancelAfter(60_000)]
    public async Task S31_EventForAChannelNotSubscribed_IsNotDeliveredToChannelBindings_NoError(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        var channelEvents = new List<string>();
        r.Client.GetChannel("news")!.BindAll((in PusherEvent e) => channelEvents.Add(e.GetEventName()));
        var global = new List<string>();
        using var got = new SemaphoreSlim(0);
        r.Client.BindGlobal((in PusherEvent e) =>
        {
            global.Add($"{e.GetChannelName()}/{e.GetEventName()}");
            got.Release();
        });

        await server.SendEventAsync("e", "other", "{}", ct);
        await server.SendEventAsync("e", "news", "{}", ct);
        await got.WaitAsync(ct);
        await got.WaitAsync(ct);

        Assert.That(channelEvents, Is.EqualTo(new[] { "e" }));
        Assert.That(global, Is.EqualTo(new[] { "other/e", "news/e" }), "bind_global sees every event, as in pusher-js");
        Assert.That(r.Errors, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S32_DuplicateSubscriptionSucceeded_AndOneForAnUnknownChannel_AreIdempotent(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        PusherChannel news = r.Client.Subscribe("news");
        int raised = 0, bound = 0;
        news.Subscribed += (_, _) => Interlocked.Increment(ref raised);
        news.Bind("pusher:subscription_succeeded", (in PusherEvent _) => Interlocked.Increment(ref bound));
        using var got = new SemaphoreSlim(0);
        news.Bind("e", (in PusherEvent _) => got.Release());
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");

        await server.SendEventAsync("pusher_internal:subscription_succeeded", "news", "{}", ct);
        await server.SendEventAsync("pusher_internal:subscription_succeeded", "unknown", "{}", ct);
        await server.SendEventAsync("e", "news", "{}", ct);
        await got.WaitAsync(ct);

        Assert.That((raised, bound), Is.EqualTo((1, 1)));
        Assert.That(news.State, Is.EqualTo(SubscriptionState.Subscribed));
        Assert.That(r.Client.Channels.Select(c => c.Name), Is.EqualTo(new[] { "news" }));
        Assert.That(r.Errors, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S34_ControlCharactersAndOverlongNames_RejectedOnTheWayOut_SanitizedOnTheWayIn(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");

        ArgumentException crlf = Assert.Throws<ArgumentException>(() => r.Client.Subscribe("news\r\nX-Injected: 1"));
        Assert.That(crlf.Message.Any(char.IsControl), Is.False);
        Assert.Throws<ArgumentException>(() => r.Client.Subscribe(new string('a', 165)));
        Assert.That(r.Client.Subscribe(new string('a', 164)).Name, Has.Length.EqualTo(164));

        await server.SendErrorAsync(null, "bad\r\n2026-01-01 FAKE LOG LINE\u0007" + new string('m', 10_000), ct);
        PusherServerErrorException error = await r.WaitForErrorAsync<PusherServerErrorException>(null, ct);
        Assert.That(error.Message.Any(char.IsControl), Is.False, "CR, LF and BEL neutralised (an ordinal check: culture-aware Contains ignores control characters)");
        Assert.That(error.ServerMessage, Has.Length.LessThanOrEqualTo(512));
    }

    [Test, CancelAfter(60_000)]
    public async Task Limit_MaxMessageSize_OversizedIsDiscardedWhileStreaming_ConnectionSurvives(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(configure: o => o with { MaxMessageSize = 64 * 1024 }, ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        using var got = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent _) => got.Release());
        byte[] huge = PusherTestServer.EncodeEvent("news", "e", "\"" + new string('h', 8 * 1024 * 1024) + "\"");

        for (int i = 0; i < 4; i++)
        {
            await server.SendRawAsync(huge, System.Net.WebSockets.WebSocketMessageType.Text, ct);
        }

        await server.SendEventAsync("e", "news", "{}", ct);
        await got.WaitAsync(ct);

        // No heap assertion here: the server and the proxy share the process and Kestrel's pinned block pool keeps
        // several MiB of the 32 MiB it sent, which drowns the signal (it failed 2 runs in 3 at an 8 MiB threshold).
        // Retention by the client is asserted where the server sends little (SlowConsumerTests, S51).
        Assert.That(r.Errors.OfType<PusherMessageTooLargeException>().Count(), Is.EqualTo(4));
        Assert.That(r.Errors.OfType<PusherMessageTooLargeException>().Select(e => e.Size), Has.All.GreaterThan(8_000_000L));
        Assert.That(r.Server.Connections, Has.Count.EqualTo(1));
    }
}

/// <summary>
/// The CI side of fuzzing: a deterministic CsCheck mutation test over seed frames, and a replay of the AFL++ corpus and
/// every crash input it ever found (fuzz/regressions).
/// </summary>
public class FuzzPropertyTests
{
    private static readonly string[] SeedFrames =
    [
        """{"event":"message","channel":"news","data":"{\"payload\":{\"data\":[{\"id\":696,\"text\":\"hi \\u041f\"}]}}"}""",
        """{"event":"message","channel":"news","data":{"a":[1,2,{"b":"c"}]},"user_id":"u1"}""",
        """{"event":"pusher:ping","data":{}}""",
        """{"event":"pusher:error","data":{"code":4201,"message":"Pong reply not received"}}""",
        """{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}""",
        """{"event":"pusher_internal:subscription_count","channel":"news","data":"{\"subscription_count\":3}"}""",
        """{"event":"pusher:connection_established","data":"{\"socket_id\":\"9.9\",\"activity_timeout\":0}"}""",
        """{"event":"client-typing","channel":"news","data":{"who":"me"},"user_id":42}""",
    ];

    private static readonly byte[][] Seeds = [.. SeedFrames.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Mutations: truncate, flip, splice, deep nesting, huge string, lone surrogate, invalid UTF-8, random insert.</summary>
    private static byte[] Mutate(int[] p)
    {
        byte[] seed = Seeds[(p[0] & 0x7fffffff) % Seeds.Length];
        int at = (p[2] & 0x7fffffff) % (seed.Length + 1);
        int v = p[3];
        switch ((p[1] & 0x7fffffff) % 9)
        {
            case 0:
                return seed[..at];
            case 1:
                byte[] flipped = [.. seed];
                flipped[Math.Min(at, seed.Length - 1)] ^= (byte)(v | 1);
                return flipped;
            case 2:
                byte[] other = Seeds[(v & 0x7fffffff) % Seeds.Length];
                return [.. seed[..at], .. other[(((v >> 8) & 0x7fffffff) % other.Length)..]];
            case 3:
                int depth = 32 + ((v & 0x7fffffff) % 5000);
                return Encoding.UTF8.GetBytes($$"""{"event":"e","channel":"news","data":{{new string('[', depth)}}{{new string(']', depth)}}}""");
            case 4:
                return Encoding.UTF8.GetBytes($$"""{"event":"e","channel":"news","data":"{{new string('x', 1000 + ((v & 0x7fffffff) % 200_000))}}"}""");
            case 5:
                return [.. seed[..at], .. "\\ud800"u8, .. seed[at..]];
            case 6:
                return [.. seed[..at], (byte)(0x80 | (v & 0x7f)), .. seed[at..]];
            case 7:
                return [.. seed[..at], .. BitConverter.GetBytes(v), .. seed[at..]];
            default:
                return [.. seed[..at], .. "\\\"\\u0000\""u8, .. seed[at..]]; // escaped quote, escaped NUL, raw quote
        }
    }

    [Test, CancelAfter(60_000)]
    public void Mutations_OfSeedFrames_OnlyParsedOrReported_NeverACrash_AndTheNextValidFrameRoutes()
    {
        int iteration = 0;
        Gen.Int.Array[4].Select(Mutate).Sample(message =>
        {
            using var f = new DirectFeed();
            f.Feed(message, segmented: (message.Length & 1) == 1);
            Assert.That(f.Errors, Has.All.InstanceOf<PusherProtocolException>().Or.InstanceOf<PusherServerErrorException>(), "only documented outcomes");
            string probe = $"p{iteration++}";
            f.Feed(Encoding.UTF8.GetBytes($$"""{"event":"probe","channel":"news","data":"{{probe}}"}"""));
            Assert.That(f.Seen[^1], Is.EqualTo(("probe", probe)), "a valid frame after garbage still routes");
        }, seed: "0N0XIzNsQ0O2", iter: 3000, threads: 1);
    }

    [Test, CancelAfter(60_000)]
    public void AflCorpusAndCrashInputs_Replay_WithoutEscapingExceptions()
    {
        string root = Path.Combine(TestContext.CurrentContext.TestDirectory, "fuzz");
        string[] files = [.. Directory.GetFiles(Path.Combine(root, "corpus", "frames")), .. Directory.GetFiles(Path.Combine(root, "regressions"))];
        Assert.That(files, Has.Length.GreaterThanOrEqualTo(10));
        Assert.That(files.Any(f => f.Contains("afl-crash", StringComparison.Ordinal)), Is.True);

        foreach (string file in files)
        {
            using var f = new DirectFeed();
            foreach (byte[] message in Split(File.ReadAllBytes(file)))
            {
                Assert.DoesNotThrow(() => f.Feed(message), Path.GetFileName(file));
            }

            f.Feed("""{"event":"probe","channel":"news","data":"p"}"""u8.ToArray());
            Assert.That(f.Seen[^1], Is.EqualTo(("probe", "p")), Path.GetFileName(file));
        }
    }

    private static IEnumerable<byte[]> Split(byte[] input)
    {
        int start = 0;
        for (int i = 0; i <= input.Length; i++)
        {
            if (i == input.Length || input[i] == (byte)'\n')
            {
                if (i > start)
                {
                    yield return input[start..i];
                }

                start = i + 1;
            }
        }
    }
}
