using System.Text;

namespace PusherWire.Tests.Core;

public class RoutingTests
{
    private const string MessageFrame = """{"event":"message","channel":"private-v1.licenses.1229.messengers.telegram","data":"{\"payload\":{\"data\":[{\"id\":696,\"message\":{\"text\":\"Test\"}}],\"meta\":{\"type\":\"message\",\"licenseId\":1229}}}"}""";

    [Test]
    public async Task BoundCallback_GetsChannelEventAndUnescapedData()
    {
        await using var h = new RoutingHarness();
        PusherChannel channel = h.Client.Subscribe("private-v1.licenses.1229.messengers.telegram");
        var seen = new List<string>();
        channel.Bind("message", (in PusherEvent e) => seen.Add($"{e.GetChannelName()}|{e.GetEventName()}|{e.GetDataString()}"));
        channel.Bind("messageStatus", (in PusherEvent e) => seen.Add("wrong event"));

        h.Feed(MessageFrame);

        Assert.That(seen, Is.EqualTo(new[] { """private-v1.licenses.1229.messengers.telegram|message|{"payload":{"data":[{"id":696,"message":{"text":"Test"}}],"meta":{"type":"message","licenseId":1229}}}""" }));
        Assert.That(h.Errors, Is.Empty);
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(64)]
    public async Task MessageSpreadOverPipeSegments_IsReassembled(int segmentSize)
    {
        await using var h = new RoutingHarness();
        string? data = null;
        h.Client.Subscribe("private-v1.licenses.1229.messengers.telegram").Bind("message", (in PusherEvent e) => data = e.GetDataString());
        h.FeedSegmented(Encoding.UTF8.GetBytes(MessageFrame), segmentSize);
        Assert.That(data, Does.StartWith("""{"payload":{"data":[{"id":696"""));
    }

    [Test]
    public async Task GlobalAndBindAll_SeeEveryEvent_UnsubscribedChannelsOnlyGlobal()
    {
        await using var h = new RoutingHarness();
        var global = new List<string>();
        var all = new List<string>();
        h.Client.BindGlobal((in PusherEvent e) => global.Add(e.GetEventName()));
        h.Client.Subscribe("a").BindAll((in PusherEvent e) => all.Add(e.GetEventName()));

        h.Feed("""{"event":"one","channel":"a","data":"{}"}""");
        h.Feed("""{"event":"two","channel":"b","data":"{}"}""");
        h.Feed("""{"event":"three","data":"{}"}""");

        Assert.That(global, Is.EqualTo(new[] { "one", "two", "three" }));
        Assert.That(all, Is.EqualTo(new[] { "one" }));
    }

    [Test]
    public async Task ThrowingCallback_IsReported_OthersStillRun_AndLaterFramesFlow()
    {
        await using var h = new RoutingHarness();
        PusherChannel channel = h.Client.Subscribe("a");
        int after = 0;
        channel.Bind("e", (in PusherEvent _) => throw new InvalidOperationException("boom"));
        channel.Bind("e", (in PusherEvent _) => after++);

        h.Feed("""{"event":"e","channel":"a","data":"1"}""");
        h.Feed("""{"event":"e","channel":"a","data":"2"}""");

        Assert.That(after, Is.EqualTo(2));
        Assert.That(h.Errors, Has.Count.EqualTo(2));
        var error = (PusherHandlerException)h.Errors[0];
        Assert.That((error.Channel, error.EventName, error.InnerException?.Message), Is.EqualTo(("a", "e", "boom")));
    }

    [Test]
    public async Task ThrowingErrorHandler_DoesNotBreakRouting()
    {
        await using var h = new RoutingHarness();
        h.Client.Error += (_, _) => throw new InvalidOperationException("error handler bug");
        int count = 0;
        h.Client.Subscribe("a").Bind("e", (in PusherEvent _) => { count++; throw new InvalidOperationException(); });
        h.Feed("""{"event":"e","channel":"a"}""");
        h.Feed("""{"event":"e","channel":"a"}""");
        Assert.That(count, Is.EqualTo(2));
    }

    [Test]
    public async Task MalformedFrame_IsReportedAndSkipped_NextFrameIsDelivered()
    {
        await using var h = new RoutingHarness();
        var got = new List<string>();
        h.Client.Subscribe("a").Bind("e", (in PusherEvent e) => got.Add(e.GetDataString()));

        h.Feed("""{"event":"e","channel":"a","data":"1"}""");
        h.Feed("""{"event":"e","channel":"a","data":""");
        h.Feed("not json at all");
        h.Feed("""{"event":"e","channel":"a","data":"2"}""");

        Assert.That(got, Is.EqualTo(new[] { "1", "2" }));
        Assert.That(h.Errors, Has.Count.EqualTo(2));
        Assert.That(h.Errors, Has.All.InstanceOf<PusherProtocolException>());
    }

    [Test]
    public async Task Unbind_StopsDelivery()
    {
        await using var h = new RoutingHarness();
        PusherChannel channel = h.Client.Subscribe("a");
        int count = 0;
        IDisposable binding = channel.Bind("e", (in PusherEvent _) => count++);
        h.Feed("""{"event":"e","channel":"a"}""");
        binding.Dispose();
        h.Feed("""{"event":"e","channel":"a"}""");
        Assert.That(count, Is.EqualTo(1));
    }

    [Test]
    public async Task SubscriptionSucceeded_SetsStateAndIsEmittedUnderItsPusherName()
    {
        await using var h = new RoutingHarness();
        PusherChannel channel = h.Client.Subscribe("private-a");
        string? emitted = null;
        channel.Bind("pusher:subscription_succeeded", (in PusherEvent e) => emitted = e.GetEventName());
        int raised = 0;
        channel.Subscribed += (_, _) => raised++;
        Task wait = channel.WaitForSubscriptionAsync();
        Assert.That(channel.State, Is.EqualTo(SubscriptionState.Pending));

        h.Feed("""{"event":"pusher_internal:subscription_succeeded","channel":"private-a","data":"{}"}""");

        Assert.That(channel.State, Is.EqualTo(SubscriptionState.Subscribed));
        Assert.That((emitted, raised), Is.EqualTo(("pusher:subscription_succeeded", 1)));
        await wait;
    }

    [Test]
    public async Task SubscriptionCount_IsRecorded()
    {
        await using var h = new RoutingHarness();
        PusherChannel channel = h.Client.Subscribe("a");
        h.Feed("""{"event":"pusher_internal:subscription_count","channel":"a","data":"{\"subscription_count\":42}"}""");
        Assert.That(channel.SubscriptionCount, Is.EqualTo(42));
    }

    [Test]
    public async Task PusherError_IsReportedTyped_WithSanitizedMessage()
    {
        await using var h = new RoutingHarness();
        h.Feed("""{"event":"pusher:error","data":{"code":4301,"message":"rate\nlimited"}}""");
        h.Feed("""{"event":"pusher:error","data":"{\"code\":null,\"message\":\"Invalid signature\"}"}""");
        Assert.That(h.Errors, Has.Count.EqualTo(2));
        var first = (PusherServerErrorException)h.Errors[0];
        var second = (PusherServerErrorException)h.Errors[1];
        Assert.Multiple(() =>
        {
            Assert.That(first.Code, Is.EqualTo(4301));
            Assert.That(first.ServerMessage, Is.EqualTo("rate limited"), "control characters are neutralized");
            Assert.That(first.Action, Is.EqualTo(CloseAction.Refused));
            Assert.That(second.Code, Is.Null);
            Assert.That(second.ServerMessage, Is.EqualTo("Invalid signature"));
        });
    }

    [Test]
    public async Task ReadAllAsync_ReceivesOwnedCopies()
    {
        await using var h = new RoutingHarness();
        PusherChannel channel = h.Client.Subscribe("a");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using IAsyncEnumerator<PusherMessage> reader = channel.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> next = reader.MoveNextAsync(); // registers the reader's queue
        h.Feed("""{"event":"e","channel":"a","data":"{\"n\":1}","user_id":"u"}""");
        Assert.That(await next, Is.True);
        Assert.That(reader.Current, Is.EqualTo(reader.Current with { Channel = "a", EventName = "e", UserId = "u" }));
        Assert.That(reader.Current.DataAsString, Is.EqualTo("""{"n":1}"""));
    }

    [Test]
    public async Task SlowReader_DropOldest_KeepsTheNewestAndCountsDrops()
    {
        await using var h = new RoutingHarness(new PusherOptions("key") { ReaderQueueCapacity = 2, TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider() });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using IAsyncEnumerator<PusherMessage> reader = h.Client.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> first = reader.MoveNextAsync();
        for (int i = 1; i <= 5; i++)
        {
            h.Feed($$"""{"event":"e","channel":"a","data":"{{i}}"}""");
        }

        // Whether the waiting reader took event 1 before the rest arrived is a race; either way the queue (2) keeps
        // the newest, and every event is either delivered once or counted as dropped.
        Assert.That(await first, Is.True);
        var got = new List<string> { reader.Current.DataAsString };
        while (got[^1] != "5" && await reader.MoveNextAsync())
        {
            got.Add(reader.Current.DataAsString);
        }

        Assert.That(got.TakeLast(2), Is.EqualTo(new[] { "4", "5" }));
        Assert.That(got.Count + h.Client.DroppedEvents, Is.EqualTo(5));
        Assert.That(h.Client.DroppedEvents, Is.GreaterThanOrEqualTo(2));
        Assert.That(h.Errors.OfType<PusherSlowConsumerException>().Count(), Is.EqualTo(1), "one warning per slow-consumer episode");
    }

    [Test]
    public async Task RoutingPath_AllocatesNothingPerEvent()
    {
        await using var h = new RoutingHarness();
        for (int i = 0; i < 200; i++)
        {
            h.Client.Subscribe("private-v1.companies." + i);
        }

        PusherChannel channel = h.Client.Subscribe("private-v1.licenses.1229.messengers.telegram");
        long bytes = 0;
        channel.Bind("message", (in PusherEvent e) => bytes += e.Data.Length);
        channel.Bind("chatTag", (in PusherEvent e) => bytes -= 1);
        h.Client.BindGlobal((in PusherEvent e) => bytes += e.EventName.Length);
        byte[] frame = Encoding.UTF8.GetBytes(MessageFrame);
        var sequence = new System.Buffers.ReadOnlySequence<byte>(frame);
        var segmented = Segments.Split(frame, 100);
        for (int i = 0; i < 100; i++)
        {
            Route(h, sequence);
            Route(h, segmented);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            Route(h, sequence);
            Route(h, segmented);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, "parse + route + callback of 20,000 frames");
        Assert.That(bytes, Is.GreaterThan(0));
    }

    private static void Route(RoutingHarness h, System.Buffers.ReadOnlySequence<byte> frame)
    {
        if (!h.Connection.ProcessMessage(frame).IsCompletedSuccessfully)
        {
            Assert.Fail("routing must complete synchronously");
        }
    }
}
