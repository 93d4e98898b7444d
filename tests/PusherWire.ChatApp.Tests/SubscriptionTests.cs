using PusherWire.ChatApp.Tests.Samples;

namespace PusherWire.ChatApp.Tests;

/// <summary>The typed subscribe API, driven through the client's real routing path (no server).</summary>
public class SubscriptionTests
{
    private const string License = ChatAppSamples.LicenseChannel;
    private const string Company = ChatAppSamples.CompanyChannel;
    private const string User = ChatAppSamples.UserChannel;

    [Test]
    public async Task On_DeliversTheTypedEvent_OnlyForItsName()
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription sub = h.Client.SubscribeChatApp(ChatAppChannels.LicenseMessenger(1229, "telegram"));
        var messages = new List<MessageEvent>();
        using IDisposable binding = sub.On<MessageEvent>(messages.Add);

        h.FeedEvent(License, "messageStatus", ChatAppSamples.Get("messageStatus").Data);
        h.FeedEvent(License, "message", ChatAppSamples.Get("message").Data);
        h.FeedEvent("private-v1.licenses.1229.messengers.grWhatsApp", "message", ChatAppSamples.Get("message").Data);

        Assert.That(messages, Has.Count.EqualTo(1));
        Assert.That((messages[0].Channel, messages[0].EventName, messages[0].Items[0].Id, messages[0].Items[0].Message!.Text), Is.EqualTo((License, "message", 696L, "Test")));
        Assert.That(h.Errors, Is.Empty);
        Assert.That(sub.Channel.Kind, Is.EqualTo(ChatAppChannelKind.LicenseMessenger));
        Assert.That(sub.PusherChannel, Is.SameAs(h.Client.GetChannel(License)));
    }

    [Test]
    public async Task EverySample_ReachesItsTypedHandler_OnItsChannelKind()
    {
        await using var h = new RoutingHarness();
        var received = new List<ChatAppEvent>();
        ChatAppSubscription license = h.Client.SubscribeChatApp(License);
        ChatAppSubscription company = h.Client.SubscribeChatApp(Company);
        ChatAppSubscription user = h.Client.SubscribeChatApp(User);
        using IDisposable a = license.On<ChatAppEvent>(received.Add);
        using IDisposable b = company.On<ChatAppEvent>(received.Add);
        using IDisposable c = user.On<ChatAppEvent>(received.Add);
        var quickResponses = new List<QuickResponseEvent>();
        using IDisposable d = user.On<QuickResponseEvent>(quickResponses.Add);

        foreach (ChatAppSamples.Sample sample in ChatAppSamples.All)
        {
            h.FeedEvent(sample.Channel, sample.EventName, sample.Data);
        }

        Assert.That(h.Errors, Is.Empty);
        Assert.That(received.Select(e => (e.EventName, e.Channel)), Is.EqualTo(ChatAppSamples.All.Select(s => (s.EventName, s.Channel))));
        Assert.That(received, Has.None.InstanceOf<UnknownChatAppEvent>());
        Assert.That(quickResponses.Select(q => q.Items.Count), Is.EqualTo(new[] { 1, 1, 2 }), "the bulk destroy arrives as one event with 2 items");
    }

    [Test]
    public async Task MalformedData_IsReportedOnClientError_AndLaterEventsKeepFlowing()
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription sub = h.Client.SubscribeChatApp(License);
        var reads = new List<ChatReadEvent>();
        var all = new List<ChatAppEvent>();
        using IDisposable typed = sub.On<ChatReadEvent>(reads.Add);
        using IDisposable any = sub.On<ChatAppEvent>(all.Add);

        h.FeedEvent(License, "chatRead", "this-is-not-json");
        h.FeedEvent(License, "chatRead", """{"payload":{"data":{"chat":{}},"meta":{}}}""");
        h.FeedEvent(License, "chatRead", ChatAppSamples.Get("chatRead").Data);

        Assert.That(reads, Has.Count.EqualTo(1));
        Assert.That(all, Has.Count.EqualTo(1));
        Assert.That(h.Errors, Has.Count.EqualTo(4), "two handlers x two malformed events");
        Assert.That(h.Errors, Has.All.InstanceOf<ChatAppEventFormatException>());
        var first = (ChatAppEventFormatException)h.Errors[0];
        Assert.That((first.EventName, first.Channel), Is.EqualTo(("chatRead", License)));
        Assert.That(first.ToString(), Does.Not.Contain("this-is-not-json"), "System.Text.Json quotes invalid literals; we must not");
    }

    [Test]
    public async Task UnknownEventNames_ReachOnUnknown_WithRawJson_ProtocolEventsReachNobody()
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription sub = h.Client.SubscribeChatApp(User);
        var unknown = new List<UnknownChatAppEvent>();
        var all = new List<ChatAppEvent>();
        var known = new List<QuickResponseEvent>();
        using IDisposable u = sub.OnUnknown(unknown.Add);
        using IDisposable a = sub.On<ChatAppEvent>(all.Add);
        using IDisposable k = sub.On<QuickResponseEvent>(known.Add);

        h.Feed($$"""{"event":"pusher_internal:subscription_succeeded","channel":"{{User}}","data":"{}"}""");
        h.FeedEvent(User, "quickResponseFolder", """{"payload":{"data":[{"id":1}],"meta":{"userId":"685"}}}""");
        h.FeedEvent(User, "quickResponse", ChatAppSamples.Get("quickResponse").Data);

        Assert.That(unknown, Has.Count.EqualTo(1));
        Assert.That((unknown[0].EventName, unknown[0].Channel, unknown[0].DataAsString),
            Is.EqualTo(("quickResponseFolder", User, """{"payload":{"data":[{"id":1}],"meta":{"userId":"685"}}}""")));
        Assert.That(all.Select(e => e.GetType()), Is.EqualTo(new[] { typeof(UnknownChatAppEvent), typeof(QuickResponseEvent) }));
        Assert.That(known, Has.Count.EqualTo(1));
        Assert.That(sub.PusherChannel.IsSubscribed, Is.True, "the protocol event was routed, just not as a ChatApp event");
        Assert.That(h.Errors, Is.Empty);
    }

    [Test]
    public async Task ThrowingHandler_IsReportedAsHandlerException_OtherHandlersStillRun()
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription sub = h.Client.SubscribeChatApp(Company);
        int second = 0;
        using IDisposable a = sub.On<EmployeeStatusEvent>(_ => throw new InvalidOperationException("handler bug"));
        using IDisposable b = sub.On<EmployeeStatusEvent>(_ => second++);

        h.FeedEvent(Company, "employeeStatus", ChatAppSamples.Get("employeeStatus").Data);
        h.FeedEvent(Company, "employeeStatus", ChatAppSamples.Get("employeeStatus").Data);

        Assert.That(second, Is.EqualTo(2));
        Assert.That(h.Errors, Has.Count.EqualTo(2));
        var error = (PusherHandlerException)h.Errors[0];
        Assert.That((error.Channel, error.EventName, error.InnerException?.Message), Is.EqualTo((Company, "employeeStatus", "handler bug")));
    }

    [Test]
    public async Task DisposingTheBinding_StopsDelivery()
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription sub = h.Client.SubscribeChatApp(Company);
        int typed = 0, any = 0, unknown = 0;
        IDisposable a = sub.On<EmployeeWorkdayEvent>(_ => typed++);
        IDisposable b = sub.On<ChatAppEvent>(_ => any++);
        IDisposable c = sub.OnUnknown(_ => unknown++);

        h.FeedEvent(Company, "employeeWorkday", ChatAppSamples.Get("employeeWorkday").Data);
        h.FeedEvent(Company, "somethingNew", "{}");
        a.Dispose();
        b.Dispose();
        c.Dispose();
        h.FeedEvent(Company, "employeeWorkday", ChatAppSamples.Get("employeeWorkday").Data);
        h.FeedEvent(Company, "somethingNew", "{}");

        Assert.That((typed, any, unknown), Is.EqualTo((1, 2, 1)));
    }

    [Test]
    public async Task BindingAnEventOfAnotherChannelKind_IsRefused()
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription license = h.Client.SubscribeChatApp(License);
        var error = Assert.Throws<InvalidOperationException>(() => license.On<EmployeeStatusEvent>(_ => { }));
        Assert.That(error.Message, Is.EqualTo($"'employeeStatus' events are published on Company channels; '{License}' is a LicenseMessenger channel."));
        Assert.Throws<InvalidOperationException>(() => h.Client.SubscribeChatApp(Company).On<QuickResponseEvent>(_ => { }));
        Assert.Throws<InvalidOperationException>(() => h.Client.SubscribeChatApp(User).On<MessageEvent>(_ => { }));
        Assert.Throws<ArgumentNullException>(() => license.On<MessageEvent>(null!));
    }

    [Test]
    public async Task SubscribeChatApp_RejectsOtherChannels_AndSharesThePusherChannel()
    {
        await using var h = new RoutingHarness();
        Assert.Throws<ArgumentException>(() => h.Client.SubscribeChatApp("private-orders"));
        Assert.That(h.Client.Channels, Is.Empty, "nothing was subscribed");
        ChatAppSubscription first = h.Client.SubscribeChatApp(User);
        ChatAppSubscription second = h.Client.SubscribeChatApp(ChatAppChannels.Parse(User));
        Assert.That(second.PusherChannel, Is.SameAs(first.PusherChannel));
        Assert.That(h.Client.Channels, Has.Count.EqualTo(1));
        Assert.That(first.ToString(), Is.EqualTo($"ChatAppSubscription {{ User {User} (Pending) }}"));
    }

    [Test, CancelAfter(60_000)]
    public async Task ReadAllAsync_YieldsTypedEventsInOrder_SkipsAndReportsMalformed(CancellationToken ct)
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription sub = h.Client.SubscribeChatApp(License);
        await using IAsyncEnumerator<ChatAppEvent> reader = sub.ReadAllAsync(ct).GetAsyncEnumerator(ct);
        ValueTask<bool> first = reader.MoveNextAsync(); // enumeration has started: the queue exists from here on

        h.Feed($$"""{"event":"pusher_internal:subscription_succeeded","channel":"{{License}}","data":"{}"}""");
        h.FeedEvent(License, "message", ChatAppSamples.Get("message").Data);
        h.FeedEvent(License, "chatTag", """{"payload":[]}""");
        h.FeedEvent(License, "chatArchived", """{"x":1}""");
        h.FeedEvent(License, "chatRead", ChatAppSamples.Get("chatRead").Data);

        var read = new List<ChatAppEvent>();
        Assert.That(await first, Is.True);
        read.Add(reader.Current);
        for (int i = 0; i < 2; i++)
        {
            Assert.That(await reader.MoveNextAsync(), Is.True);
            read.Add(reader.Current);
        }

        Assert.That(read[0], Is.TypeOf<MessageEvent>());
        Assert.That(((MessageEvent)read[0]).Items[0].Id, Is.EqualTo(696));
        Assert.That(read[1], Is.TypeOf<UnknownChatAppEvent>());
        Assert.That(((UnknownChatAppEvent)read[1]).DataAsString, Is.EqualTo("""{"x":1}"""));
        Assert.That(read[2], Is.TypeOf<ChatReadEvent>());
        Assert.That(read.Select(e => e.Channel), Is.All.EqualTo(License));
        Assert.That(h.Errors, Has.Count.EqualTo(1));
        Assert.That(((ChatAppEventFormatException)h.Errors[0]).EventName, Is.EqualTo("chatTag"));
    }

    [Test, CancelAfter(60_000)]
    public async Task ReadChatAppEventsAsync_MergesAllChannels_AndPatternMatches(CancellationToken ct)
    {
        await using var h = new RoutingHarness();
        h.Client.SubscribeChatApp(Company);
        h.Client.SubscribeChatApp(User);
        await using IAsyncEnumerator<ChatAppEvent> reader = h.Client.ReadChatAppEventsAsync(ct).GetAsyncEnumerator(ct);
        ValueTask<bool> first = reader.MoveNextAsync();

        h.FeedEvent(Company, "employeeStatus", ChatAppSamples.Get("employeeStatus").Data);
        h.FeedEvent(User, "quickResponse", ChatAppSamples.Get("quickResponse", 2).Data);

        Assert.That(await first, Is.True);
        ChatAppEvent a = reader.Current;
        Assert.That(await reader.MoveNextAsync(), Is.True);
        ChatAppEvent b = reader.Current;

        string Describe(ChatAppEvent e) => e switch
        {
            EmployeeStatusEvent s => $"{s.Channel}: employee {s.Items[0].Employee!.Id} {s.Items[0].Status}",
            QuickResponseEvent q => $"{q.Channel}: {q.Items.Count} quick responses {q.Items[0].Action}",
            _ => "other",
        };
        Assert.That(new[] { Describe(a), Describe(b) }, Is.EqualTo(new[]
        {
            $"{Company}: employee 685 Online",
            $"{User}: 2 quick responses Destroy",
        }));
    }

    [Test, CancelAfter(60_000)]
    public async Task ReadAllAsync_StopsOnCancellation(CancellationToken ct)
    {
        await using var h = new RoutingHarness();
        ChatAppSubscription sub = h.Client.SubscribeChatApp(User);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using IAsyncEnumerator<ChatAppEvent> reader = sub.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> next = reader.MoveNextAsync();
        await cts.CancelAsync();
        Assert.That(async () => await next, Throws.InstanceOf<OperationCanceledException>());
    }
}
