// End-to-end: Pusher test server -> PusherClient -> NatsBridge -> a real nats-server's JetStream stream.
using System.Text;
using NATS.Client.JetStream;
using PusherWire.ChatApp;
using PusherWire.ChatApp.Tests.Samples;

namespace PusherWire.Bridge.Nats.Tests;

/// <summary>The issue's scenarios against a real nats-server (ignored with the install command when it is missing).</summary>
public class BridgeEndToEndTests
{
    private static readonly string[] SampleChannels = [ChatAppSamples.LicenseChannel, ChatAppSamples.CompanyChannel, ChatAppSamples.UserChannel];

    private static NatsBridgeOptions ChatAppOptions(string stream = "CHATAPP") => new()
    {
        SubjectPrefix = "chatapp",
        Stream = new NatsStreamSettings { Name = stream },
        RetryDelayMin = TimeSpan.FromMilliseconds(20),
        RetryDelayMax = TimeSpan.FromMilliseconds(200),
        PublishTimeout = TimeSpan.FromSeconds(1),
    };

    [Test, CancelAfter(60_000)]
    public async Task AllTwentySeedSamples_LandInOrder_WithSubjectsHeadersAndUnchangedPayload(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var connector = await harness.StartConnectorAsync(ChatAppOptions(), SampleChannels, ct);

        foreach (ChatAppSamples.Sample sample in ChatAppSamples.All)
        {
            Assert.That(await harness.Pusher.PublishAsync(sample.Channel, sample.EventName, sample.Json, ct), Is.EqualTo(1));
        }

        await connector.WaitReceivedAsync(ChatAppSamples.All.Count, ct);
        await connector.Bridge.FlushAsync(ct);
        var messages = await NatsServerHarness.ReadStreamAsync(harness.Js, "CHATAPP", ct);

        // Order is kept per channel (lanes of different channels publish concurrently).
        Assert.That(messages, Has.Count.EqualTo(20));
        var expected = InChannelOrder(ChatAppSamples.All, s => s.Channel);
        var actual = InChannelOrder(messages, m => (string)m.Headers![NatsBridgeHeaders.Channel]!);
        for (int i = 0; i < actual.Count; i++)
        {
            ChatAppSamples.Sample sample = expected[i];
            var msg = actual[i];
            Assert.That(msg.Subject, Is.EqualTo($"chatapp.{sample.Channel}.{sample.EventName}"), sample.ToString());
            Assert.That(msg.Data, Is.EqualTo(sample.Data), "the data bytes as received, not re-serialized");
            Assert.That((string?)msg.Headers![NatsBridgeHeaders.Channel], Is.EqualTo(sample.Channel));
            Assert.That((string?)msg.Headers[NatsBridgeHeaders.Event], Is.EqualTo(sample.EventName));
            Assert.That((string?)msg.Headers[NatsBridgeHeaders.MessageId], Is.EqualTo(NatsMessageIds.Compute(sample.Channel, sample.EventName, sample.Data)));
            Assert.That((string?)msg.Headers[NatsBridgeHeaders.SocketId], Is.EqualTo(connector.Client.SocketId));
            Assert.That((string?)msg.Headers[NatsBridgeHeaders.Bridge], Is.EqualTo("bridge"));
            Assert.That(DateTimeOffset.TryParse(msg.Headers[NatsBridgeHeaders.ReceivedAt], out _), "Pusher-Received-At is a timestamp");
            Assert.That(ChatAppEventSerializer.Deserialize(Encoding.UTF8.GetBytes(sample.EventName), msg.Data, sample.Channel), Is.Not.InstanceOf<UnknownChatAppEvent>());
        }

        NatsBridgeMetrics metrics = connector.Bridge.GetMetrics();
        Assert.That((metrics.Received, metrics.Published, metrics.Deduplicated, metrics.Queued, metrics.Dropped), Is.EqualTo((20L, 20L, 0L, 0, 0L)));
        Assert.That(metrics.PublishLatencyMax, Is.GreaterThan(TimeSpan.Zero));
    }

    [Test, CancelAfter(60_000)]
    public async Task TwoBridges_OnTheSameChannels_StoreExactlyOneCopyOfEachEvent(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var a = await harness.StartConnectorAsync(ChatAppOptions(), SampleChannels, ct, "a");
        var b = await harness.StartConnectorAsync(ChatAppOptions(), SampleChannels, ct, "b");

        foreach (ChatAppSamples.Sample sample in ChatAppSamples.All)
        {
            Assert.That(await harness.Pusher.PublishAsync(sample.Channel, sample.EventName, sample.Json, ct), Is.EqualTo(2));
        }

        await a.WaitReceivedAsync(20, ct);
        await b.WaitReceivedAsync(20, ct);
        await Task.WhenAll(a.Bridge.FlushAsync(ct), b.Bridge.FlushAsync(ct));
        var messages = await NatsServerHarness.ReadStreamAsync(harness.Js, "CHATAPP", ct);

        Assert.That(
            InChannelOrder(messages, m => (string)m.Headers![NatsBridgeHeaders.Channel]!).Select(m => m.Subject + " " + Encoding.UTF8.GetString(m.Data!)),
            Is.EqualTo(InChannelOrder(ChatAppSamples.All, s => s.Channel).Select(s => $"chatapp.{s.Channel}.{s.EventName} {s.Json}")),
            "every sample once, in order within its channel");
        NatsBridgeMetrics ma = a.Bridge.GetMetrics(), mb = b.Bridge.GetMetrics();
        Assert.That(ma.Published + mb.Published, Is.EqualTo(20), "each event stored once");
        Assert.That(ma.Deduplicated + mb.Deduplicated, Is.EqualTo(20), "the other copy was acknowledged as a duplicate");
    }

    [Test, CancelAfter(60_000)]
    public async Task OneBridgesPusherConnectionDropsMidStream_TheStreamHasNoGap(CancellationToken ct)
    {
        const string channel = "private-v1.licenses.1229.messengers.telegram";
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var a = await harness.StartConnectorAsync(ChatAppOptions(), [channel], ct, "a");
        var b = await harness.StartConnectorAsync(ChatAppOptions(), [channel], ct, "b");
        var reconnected = new Signal();
        int connects = 0;
        a.Client.StateChanged += (_, change) =>
        {
            if (change.Current == ConnectionState.Connected)
            {
                Interlocked.Increment(ref connects);
                reconnected.Pulse();
            }
        };

        await PublishRangeAsync(harness, channel, 0, 10, ct);
        await a.WaitReceivedAsync(10, ct);
        a.ServerSide.Abort(); // a's socket dies: events 10..19 reach only b
        await PublishRangeAsync(harness, channel, 10, 20, ct);
        await reconnected.WaitAsync(() => Volatile.Read(ref connects) > 0, ct);
        await a.Client.GetChannel(channel)!.WaitForSubscriptionAsync(ct);
        await harness.Pusher.Connections[^1].WaitForSubscriptionAsync(channel, ct);
        await PublishRangeAsync(harness, channel, 20, 30, ct);

        await b.WaitReceivedAsync(30, ct);
        await Task.WhenAll(a.Bridge.FlushAsync(ct), b.Bridge.FlushAsync(ct));
        var messages = await NatsServerHarness.ReadStreamAsync(harness.Js, "CHATAPP", ct);

        // Every event exactly once. Across two bridges the stream's order is "first bridge to publish": while b still
        // publishes 10..19, a (which missed them) may store 20 first. Each bridge's own contributions stay in order.
        var payloads = messages.Select(m => Encoding.UTF8.GetString(m.Data!)).ToList();
        Assert.That(payloads, Is.EquivalentTo(Enumerable.Range(0, 30).Select(Payload)), "every event once, no gap");
        foreach (string bridge in new[] { "a", "b" })
        {
            var ids = messages.Where(m => (string?)m.Headers![NatsBridgeHeaders.Bridge] == bridge).Select(m => Encoding.UTF8.GetString(m.Data!)).Select(p => int.Parse(p[6..p.IndexOf(',', StringComparison.Ordinal)])).ToList();
            Assert.That(ids, Is.Ordered, $"events stored by {bridge} are in channel order");
        }
        Assert.That(a.Bridge.GetMetrics().Received, Is.LessThan(30), "a really missed events while its socket was down");
    }

    [Test, CancelAfter(90_000)]
    public async Task NatsRestartsMidStream_NothingIsLost_AndTheQueueStaysBounded(CancellationToken ct)
    {
        const string channel = "private-v1.companies.2226";
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var options = ChatAppOptions() with { MaxQueuedEvents = 1_000 };
        var connector = await harness.StartConnectorAsync(options, [channel], ct);
        int failures = 0;
        connector.Bridge.PublishFailed += (_, _) => Interlocked.Increment(ref failures);

        await PublishRangeAsync(harness, channel, 0, 50, ct);
        await connector.WaitReceivedAsync(50, ct);
        await connector.Bridge.FlushAsync(ct);

        var failed = new Signal();
        connector.Bridge.PublishFailed += (_, _) => failed.Pulse();
        await harness.Nats.StopAsync();
        await PublishRangeAsync(harness, channel, 50, 300, ct);
        await connector.WaitReceivedAsync(300, ct);
        await failed.WaitAsync(() => Volatile.Read(ref failures) > 0, ct); // a publish timed out: the retry path runs
        NatsBridgeMetrics down = connector.Bridge.GetMetrics();
        Assert.That(down.Queued, Is.InRange(1, 250), "events wait in the queue while NATS is down");

        await harness.Nats.RestartAsync(ct);
        await connector.Bridge.FlushAsync(ct);
        var messages = await NatsServerHarness.ReadStreamAsync(harness.Js, "CHATAPP", ct);

        Assert.That(messages.Select(m => Encoding.UTF8.GetString(m.Data!)), Is.EqualTo(Enumerable.Range(0, 300).Select(Payload)), "no loss, no duplicate, in order");
        NatsBridgeMetrics after = connector.Bridge.GetMetrics();
        Assert.That((after.Queued, after.Dropped, after.Acknowledged), Is.EqualTo((0, 0L, 300L)));
        Assert.That(Volatile.Read(ref failures), Is.GreaterThan(0), "publishes failed while NATS was down and were retried");
        Assert.That(after.Retries, Is.EqualTo(Volatile.Read(ref failures)));
    }

    [Test, CancelAfter(90_000)]
    public async Task WhileNatsIsDown_TheQueueNeverExceedsItsLimit_AndDropsAreCountedAndReported(CancellationToken ct)
    {
        const string channel = "private-v1.users.685";
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var options = ChatAppOptions() with { MaxQueuedEvents = 40 };
        var connector = await harness.StartConnectorAsync(options, [channel], ct);
        var reported = new List<EventsDroppedEventArgs>();
        connector.Bridge.EventsDropped += (_, e) =>
        {
            lock (reported)
            {
                reported.Add(e);
            }
        };

        await harness.Nats.StopAsync();
        for (int i = 0; i < 100; i++)
        {
            await harness.Pusher.PublishAsync(channel, "event", $"{{\"n\":{i}}}", ct);
        }

        await connector.WaitReceivedAsync(100, ct);
        NatsBridgeMetrics down = connector.Bridge.GetMetrics();
        Assert.That(down.Queued, Is.EqualTo(40), "memory is bounded by MaxQueuedEvents");
        Assert.That(down.Dropped, Is.EqualTo(60));
        Assert.That(reported, Has.Count.EqualTo(60));
        Assert.That(reported[^1].TotalDropped, Is.EqualTo(60));

        await harness.Nats.RestartAsync(ct);
        await connector.Bridge.FlushAsync(ct);
        var messages = await NatsServerHarness.ReadStreamAsync(harness.Js, "CHATAPP", ct);
        Assert.That(messages.Select(m => Encoding.UTF8.GetString(m.Data!)), Is.EqualTo(Enumerable.Range(0, 40).Select(i => $"{{\"n\":{i}}}")), "DropNewest keeps the first 40");
    }

    [Test, CancelAfter(60_000)]
    public async Task AnExistingStreamWithConflictingSettings_FailsTheStart_NamingEachDifference(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        await harness.Js.CreateStreamAsync(new NATS.Client.JetStream.Models.StreamConfig("CHATAPP", ["other.>"])
        {
            DuplicateWindow = TimeSpan.FromSeconds(30),
            Storage = NATS.Client.JetStream.Models.StreamConfigStorage.Memory,
        }, ct);

        var error = await Assert.ThrowsAsync<NatsStreamMismatchException>(() => harness.StartConnectorAsync(ChatAppOptions(), ["private-v1.users.685"], ct));

        Assert.That(error!.Stream, Is.EqualTo("CHATAPP"));
        Assert.That(error.Differences, Has.Count.EqualTo(4), string.Join(" | ", error.Differences));
        Assert.That(error.Message, Does.Contain("subjects: stream has [other.>], bridge publishes on 'chatapp.>'")
            .And.Contain("duplicate window: stream has 00:00:30, bridge expects 00:02:00")
            .And.Contain("storage: stream has Memory, bridge expects File"));
    }

    [Test, CancelAfter(60_000)]
    public async Task AnExistingStreamWithTheSameSettings_IsReused(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var first = await harness.StartConnectorAsync(ChatAppOptions(), ["private-v1.users.685"], ct, "a");
        await harness.Pusher.PublishAsync("private-v1.users.685", "event", "{\"n\":1}", ct);
        await first.WaitReceivedAsync(1, ct);
        await first.Bridge.FlushAsync(ct);

        var second = await harness.StartConnectorAsync(ChatAppOptions(), ["private-v1.users.685"], ct, "b");

        Assert.That(second.Bridge.GetMetrics().Received, Is.Zero);
        Assert.That((await harness.Js.GetStreamAsync("CHATAPP", cancellationToken: ct)).Info.State.Messages, Is.EqualTo(1), "the stream was not recreated");
    }

    [Test, CancelAfter(60_000)]
    public async Task AMissingStream_WithCreateIfMissingOff_FailsTheStartClearly(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var options = ChatAppOptions() with { Stream = new NatsStreamSettings { Name = "CHATAPP", CreateIfMissing = false } };

        var error = await Assert.ThrowsAsync<NatsBridgeException>(() => harness.StartConnectorAsync(options, ["private-v1.users.685"], ct));

        Assert.That(error!.Message, Does.Contain("'CHATAPP' does not exist").And.Contain("chatapp.>"));
    }

    [Test, CancelAfter(60_000)]
    public async Task ConnectionLevelEvents_AreNotBridged(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var connector = await harness.StartConnectorAsync(ChatAppOptions(), ["private-v1.users.685"], ct);
        await connector.ServerSide.SendPingAsync(ct);
        await harness.Pusher.PublishAsync("private-v1.users.685", "event", "{\"n\":1}", ct);

        await connector.WaitReceivedAsync(1, ct);
        await connector.Bridge.FlushAsync(ct);

        var messages = await NatsServerHarness.ReadStreamAsync(harness.Js, "CHATAPP", ct);
        Assert.That(messages.Select(m => m.Subject), Is.EqualTo(new[] { "chatapp.private-v1.users.685.event" }), "no pusher: or pusher_internal: event");
    }

    [Test, CancelAfter(60_000)]
    public async Task Dispose_DrainsTheQueue_AndLeavesClientAndConnectionToTheCaller(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var connector = await harness.StartConnectorAsync(ChatAppOptions(), ["private-v1.users.685"], ct);
        await PublishRangeAsync(harness, "private-v1.users.685", 0, 25, ct);
        await connector.WaitReceivedAsync(25, ct);

        await connector.Bridge.DisposeAsync();

        Assert.That((await harness.Js.GetStreamAsync("CHATAPP", cancellationToken: ct)).Info.State.Messages, Is.EqualTo(25));
        Assert.That(connector.Client.State, Is.EqualTo(ConnectionState.Connected));
        await Assert.ThrowsAsync<InvalidOperationException>(() => connector.Bridge.StartAsync(ct));
    }

    [Test, CancelAfter(60_000)]
    public async Task NatsUnreachableAtStart_FailsWithAClearError(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        await harness.Nats.StopAsync();
        await using var connection = harness.Nats.Connect();
        await using var client = new PusherClient(new PusherOptions("key"));
        await using var bridge = new NatsBridge(client, connection, ChatAppOptions());

        var error = await Assert.ThrowsAsync<NatsBridgeException>(() => bridge.StartAsync(ct));

        Assert.That(error!.Message, Does.Contain("CHATAPP"));
    }

    // Stable grouping by channel: each channel's items in their original relative order, channels by name.
    private static List<T> InChannelOrder<T>(IEnumerable<T> items, Func<T, string> channel) =>
        items.GroupBy(channel).OrderBy(g => g.Key, StringComparer.Ordinal).SelectMany(g => g).ToList();

    private static string Payload(int i) => $"{{\"id\":{i},\"text\":\"message {i}\"}}";

    private static async Task PublishRangeAsync(BridgeHarness harness, string channel, int from, int to, CancellationToken ct)
    {
        for (int i = from; i < to; i++)
        {
            await harness.Pusher.PublishAsync(channel, "message", Payload(i), ct);
        }
    }
}
