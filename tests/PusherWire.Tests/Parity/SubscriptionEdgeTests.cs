// Subscription edge cases: refusals, timeouts, retries, cancellation, routing of unsubscribed channels, unbinding, cache channels.
using PusherWire.Authorization;
using PusherWire.Testing;
using PusherWire.Tests.Integration;

namespace PusherWire.Tests.Parity;

public class SubscriptionEdgeTests
{
    [Test, CancelAfter(60_000)]
    public async Task SubscriptionErrorFrame_EndsTheWaitWithTheStatus_AndReachesBind(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = ClientHarness.Token,
            SubscriptionErrorFor = c => c == "private-no" ? new TestSubscriptionError(403, "AuthError", "Forbidden") : null,
        }, ct: ct);
        PusherChannel channel = h.Client.Subscribe("private-no");
        using var bound = new Collector<string>();
        channel.Bind("pusher:subscription_error", (in PusherEvent e) => bound.Add(e.GetDataString()));
        await h.Client.ConnectAsync(ct);

        var error = await Assert.ThrowsAsync<PusherSubscriptionException>(() => channel.WaitForSubscriptionAsync(ct));

        Assert.That(error!.Failure, Is.EqualTo(PusherSubscriptionFailure.Refused));
        Assert.That(error.Status, Is.EqualTo(403));
        Assert.That(error.ErrorType, Is.EqualTo("AuthError"));
        Assert.That(error.Message, Does.Contain("Forbidden"));
        Assert.That(channel.State, Is.EqualTo(SubscriptionState.Failed));
        Assert.That(await bound.WaitForCountAsync(1, ct), Does.Contain("\"status\":403"));
    }

    [Test, CancelAfter(60_000)]
    public async Task PusherErrorAnsweringTheSubscribe_FailsThatChannelOnly(CancellationToken ct)
    {
        var authorizer = new PresenceTests.FixedAuthorizer(new ChannelAuthorization("test-app-key:not-a-signature"));
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { Authorizer = authorizer }, ct: ct);
        PusherChannel bad = h.Client.Subscribe("private-bad");
        PusherChannel lobby = h.Client.Subscribe("lobby");
        await h.Client.ConnectAsync(ct);

        var error = await Assert.ThrowsAsync<PusherSubscriptionException>(() => bad.WaitForSubscriptionAsync(ct));

        Assert.That(error!.Failure, Is.EqualTo(PusherSubscriptionFailure.Refused));
        await lobby.WaitForSubscriptionAsync(ct);
        Assert.That(h.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task UnansweredSubscription_FailsAfterSubscriptionTimeout_OnTheInjectedClock(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(
            new PusherTestServerOptions { RequiredAuthorization = ClientHarness.Token, IgnoreSubscription = c => c == "silent" },
            o => o with { SubscriptionTimeout = TimeSpan.FromSeconds(5) }, ct: ct);
        PusherChannel silent = h.Client.Subscribe("silent");
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForFrameAsync(f => f.Contains("\"silent\""), ct);
        Task wait = silent.WaitForSubscriptionAsync(ct);
        h.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(wait.IsCompleted, Is.False);

        h.Time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<PusherSubscriptionException>(() => wait);
        Assert.That(error!.Failure, Is.EqualTo(PusherSubscriptionFailure.Timeout));
        Assert.That(h.Errors, Has.Member(error));
    }

    [Test, CancelAfter(60_000)]
    public async Task SubscribeAgainAfterAFailure_AuthorizesAgain(CancellationToken ct)
    {
        int asked = 0;
        await using ClientHarness h = await ClientHarness.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = ClientHarness.Token,
            AuthorizeChannel = _ => Interlocked.Increment(ref asked) > 1, // refuses the first request only
        }, ct: ct);
        PusherChannel channel = h.Client.Subscribe("private-retry");
        await h.Client.ConnectAsync(ct);
        await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));

        PusherChannel again = h.Client.Subscribe("private-retry");

        Assert.That(again, Is.SameAs(channel));
        await again.WaitForSubscriptionAsync(ct);
        Assert.That(h.Server.AuthRequestCount, Is.EqualTo(2));
    }

    [Test, CancelAfter(60_000)]
    public async Task UnsubscribeWhileAuthorizing_CancelsTheWait_AndNeverSendsTheSubscribe(CancellationToken ct)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var authorizer = new BlockingAuthorizer(gate.Task, asked);
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { Authorizer = authorizer }, ct: ct);
        PusherChannel channel = h.Client.Subscribe("private-pending");
        await h.Client.ConnectAsync(ct);
        await asked.Task.WaitAsync(ct);
        Task wait = channel.WaitForSubscriptionAsync(ct);

        Assert.That(h.Client.Unsubscribe("private-pending"), Is.True);
        gate.SetResult();

        await Assert.ThrowsAsync<TaskCanceledException>(() => wait);
        h.Client.Subscribe("after");
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForFrameAsync(f => f.Contains("\"after\""), ct);
        Assert.That(server.Frames.Where(f => f.Contains("pusher:subscribe")), Has.None.Contains("private-pending"));
    }

    [Test, CancelAfter(60_000)]
    public async Task EventsOfChannelsWeDidNotSubscribe_ReachGlobalHandlersOnly(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        PusherChannel mine = h.Client.Subscribe("mine");
        using var channelEvents = new Collector<string>();
        using var globalEvents = new Collector<string>();
        mine.BindAll((in PusherEvent e) => channelEvents.Add(e.GetChannelName()));
        h.Client.BindGlobal((in PusherEvent e) => globalEvents.Add($"{e.GetChannelName()}/{e.GetEventName()}"));
        await h.Client.ConnectAsync(ct);
        await mine.WaitForSubscriptionAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        await server.SendEventAsync("news", "stranger", "{}", ct);
        await server.SendEventAsync("news", "mine", "{}", ct);

        await globalEvents.WaitForAsync(e => e == "mine/news", ct);
        Assert.That(globalEvents.Items, Does.Contain("stranger/news"));
        Assert.That(channelEvents.Items.Where(c => c != "mine"), Is.Empty);
        Assert.That(h.Client.GetChannel("stranger"), Is.Null);
    }

    [Test, CancelAfter(60_000)]
    public async Task UnbindByName_AndUnbindAll_StopCallbacks(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        PusherChannel channel = h.Client.Subscribe("feed");
        int calls = 0;
        channel.Bind("x", (in PusherEvent _) => Interlocked.Increment(ref calls));
        channel.Bind("x", (in PusherEvent _) => Interlocked.Increment(ref calls));
        channel.Bind("y", (in PusherEvent _) => Interlocked.Increment(ref calls));
        channel.BindAll((in PusherEvent e) =>
        {
            if (!e.EventName.StartsWith("pusher:"u8))
            {
                Interlocked.Increment(ref calls);
            }
        });
        using var global = new Collector<string>();
        h.Client.BindGlobal((in PusherEvent e) => global.Add(e.GetEventName()));
        await h.Client.ConnectAsync(ct);
        await channel.WaitForSubscriptionAsync(ct);

        Assert.That(channel.Unbind("x"), Is.True);
        Assert.That(channel.Unbind("x"), Is.False);
        channel.UnbindAll();
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.SendEventAsync("x", "feed", "{}", ct);
        await server.SendEventAsync("y", "feed", "{}", ct);

        await global.WaitForAsync(e => e == "y", ct);
        Assert.That(Volatile.Read(ref calls), Is.Zero);
    }

    [Test, CancelAfter(60_000)]
    public async Task CacheChannels_DeliverTheCachedEventOrCacheMiss_AsEvents(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        await h.Server.PublishAsync("cache-prices", "price", """{"v":9}""", ct);
        PusherChannel cached = h.Client.Subscribe("cache-prices");
        PusherChannel empty = h.Client.Subscribe("private-cache-empty");
        using var events = new Collector<string>();
        cached.BindAll((in PusherEvent e) => events.Add($"{e.GetChannelName()} {e.GetEventName()} {e.GetDataString()}"));
        empty.Bind("pusher:cache_miss", (in PusherEvent e) => events.Add($"{e.GetChannelName()} {e.GetEventName()}"));

        await h.Client.ConnectAsync(ct);

        await events.WaitForAsync(e => e == """cache-prices price {"v":9}""", ct);
        await events.WaitForAsync(e => e == "private-cache-empty pusher:cache_miss", ct);
        Assert.That(cached.IsSubscribed && empty.IsSubscribed, Is.True);
    }

    [Test]
    public void Cluster_PicksTheHost_UnlessHostIsSet()
    {
        var eu = new PusherOptions("key") { Cluster = "eu" };
        Assert.That(eu.Host, Is.EqualTo("ws-eu.pusher.com"));
        Assert.That(eu.BuildUri().Host, Is.EqualTo("ws-eu.pusher.com"));
        Assert.That(new PusherOptions("key").Host, Is.EqualTo("ws-mt1.pusher.com"));
        Assert.That((eu with { Host = "socket.example.com" }).Host, Is.EqualTo("socket.example.com"));
        Assert.That(new PusherOptions("key") { Host = "h.example", Cluster = "us2" }.Host, Is.EqualTo("h.example"));
        Assert.Throws<ArgumentException>(() => new PusherOptions("key") { Cluster = "eu/../x" }.Validate());
        Assert.Throws<ArgumentException>(() => new PusherOptions("key") { SubscriptionTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new PusherOptions("key") { ClientEventRateLimit = 0 }.Validate());
    }

    private sealed class BlockingAuthorizer(Task gate, TaskCompletionSource asked) : IChannelAuthorizer
    {
        public async ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken)
        {
            asked.TrySetResult();
            await gate.WaitAsync(cancellationToken);
            return new ChannelAuthorization(PusherSignature.Sign("test-app-key", "test-app-secret", request.SocketId, request.ChannelName));
        }
    }
}
