// Event-path metrics over the socket-less routing harness: counts, bounded tags, the channel-name opt-in, zero allocation.
using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace PusherWire.Tests.Telemetry;

public class RoutingMetricsTests
{
    private const string Channel = "private-v1.licenses.1229.messengers.telegram";
    private const string Data = """{"payload":{"id":696}}""";

    private static PusherOptions Options(int port, bool includeChannel = false) =>
        new("key") { Port = port, TimeProvider = new FakeTimeProvider(), MetricsIncludeChannelName = includeChannel };

    [Test, CancelAfter(60_000)]
    public async Task EventsAndDataBytes_AreCounted_WithChannelTypeButNoChannelName()
    {
        using var capture = new MetricCapture(40001);
        await using var h = new RoutingHarness(Options(40001));
        h.Client.Subscribe(Channel).Bind("message", (in PusherEvent _) => { });

        h.FeedEvent(Channel, "message", Data);
        h.FeedEvent(Channel, "message", Data);
        h.FeedEvent("public-news", "tick", "{}"); // not subscribed: counted under channel type "none"

        var events = capture.Of(PusherDiagnostics.EventsReceived).ToList();
        Assert.That(events.Count(m => (string?)m.Tags["pusher.channel.type"] == "private"), Is.EqualTo(2));
        Assert.That(events.Count(m => (string?)m.Tags["pusher.channel.type"] == "none"), Is.EqualTo(1));
        Assert.That(capture.Sum(PusherDiagnostics.BytesReceived), Is.EqualTo(2 * Encoding.UTF8.GetByteCount(Data) + 2));
        Assert.That(events, Has.None.Matches<MetricCapture.Measured>(m => m!.Tags.ContainsKey("pusher.channel")), "no channel names unless opted in");
        Assert.That(events[0].Tags["server.address"], Is.EqualTo("ws-mt1.pusher.com"));
    }

    [Test, CancelAfter(60_000)]
    public async Task ChannelName_IsATag_OnlyWhenOptedIn()
    {
        using var capture = new MetricCapture(40002);
        await using var h = new RoutingHarness(Options(40002, includeChannel: true));
        h.Client.Subscribe(Channel);

        h.FeedEvent(Channel, "message", Data);

        Assert.That(capture.Of(PusherDiagnostics.EventsReceived).Single().Tags["pusher.channel"], Is.EqualTo(Channel));
    }

    [Test, CancelAfter(60_000)]
    public async Task HandlerExceptions_AndReaderDrops_AreCounted()
    {
        using var capture = new MetricCapture(40003);
        await using var h = new RoutingHarness(Options(40003) with { ReaderQueueCapacity = 1, ReaderOverflow = ReaderOverflowPolicy.DropNewest });
        PusherChannel channel = h.Client.Subscribe(Channel);
        channel.Bind("message", (in PusherEvent _) => throw new InvalidOperationException("boom"));
        await using IAsyncEnumerator<PusherMessage> reader = channel.ReadAllAsync().GetAsyncEnumerator();
        ValueTask<bool> first = reader.MoveNextAsync(); // registers the reader's queue, then waits

        for (int i = 0; i < 3; i++)
        {
            h.FeedEvent(Channel, "message", Data);
        }

        Assert.That(await first, Is.True);
        Assert.That(capture.Sum(PusherDiagnostics.HandlerExceptions), Is.EqualTo(3));
        Assert.That(capture.Sum(PusherDiagnostics.EventsDropped), Is.EqualTo(h.Client.DroppedEvents).And.GreaterThan(0));
    }

    [Test, CancelAfter(60_000)]
    public async Task EventPath_AllocatesNothing_WithOrWithoutAListener()
    {
        await using var h = new RoutingHarness(Options(40004));
        long seen = 0;
        h.Client.Subscribe(Channel).Bind("message", (in PusherEvent _) => seen++);
        var frame = new ReadOnlySequence<byte>(PusherWire.Testing.PusherTestServer.EncodeEvent(Channel, "message", Data));

        Assert.That(RouteAndMeasure(h, frame), Is.Zero, "no listener: 10,000 events");

        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == PusherDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) =>
        {
            if (i.Name == PusherDiagnostics.EventsReceived)
            {
                counted += v;
            }
        });
        listener.Start();

        Assert.That(RouteAndMeasure(h, frame), Is.Zero, "listening: 10,000 events");
        Assert.That(counted, Is.GreaterThanOrEqualTo(10_000), "the listener saw the events it was measured over");
        Assert.That(seen, Is.EqualTo(2 * 10_100));
    }

    private static long RouteAndMeasure(RoutingHarness h, ReadOnlySequence<byte> frame)
    {
        for (int i = 0; i < 100; i++)
        {
            Route(h, frame);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            Route(h, frame);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void Route(RoutingHarness h, ReadOnlySequence<byte> frame)
    {
        if (!h.Connection.ProcessMessage(frame).IsCompletedSuccessfully)
        {
            Assert.Fail("routing must complete synchronously");
        }
    }
}
