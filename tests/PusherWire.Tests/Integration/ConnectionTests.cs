using System.Net.WebSockets;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Tests.Integration;

/// <summary>The client against the embedded Pusher server over real loopback sockets.</summary>
public class ConnectionTests
{
    [Test, CancelAfter(60_000)]
    public async Task Connects_ReportsStatesInOrder_AndSendsPusherJsStyleUrl(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);

        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        Assert.That(h.Client.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.States, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected }));
        Assert.That(h.Client.SocketId, Is.EqualTo(server.SocketId).And.Match(@"^\d+\.\d+$"));
        Assert.That(server.RequestQuery, Does.Contain("protocol=7").And.Contain("client=pusherwire-dotnet").And.Contain("flash=false"));
    }

    [Test, CancelAfter(60_000)]
    public async Task SubscribesTheSeedPrivateChannels_AndReceivesEventsOnEach(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var channels = ClientHarness.SeedChannels.Select(h.Client.Subscribe).ToList();
        foreach (PusherChannel channel in channels)
        {
            channel.BindAll((in PusherEvent e) => received.Enqueue($"{e.GetChannelName()}/{e.GetEventName()}/{e.GetDataString()}"));
        }

        await h.Client.ConnectAsync(ct);
        await Task.WhenAll(channels.Select(c => c.WaitForSubscriptionAsync(ct)));
        Assert.That(channels.Select(c => c.State), Has.All.EqualTo(SubscriptionState.Subscribed));
        Assert.That(h.Server.AuthRequestCount, Is.EqualTo(4));

        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("private-v1.users.685", ct);
        using var got = new SemaphoreSlim(0);
        h.Client.BindGlobal((in PusherEvent _) => got.Release());
        foreach (string channel in ClientHarness.SeedChannels)
        {
            Assert.That(await h.Server.PublishAsync(channel, "message", """{"payload":{"data":[{"id":1,"text":"Привет \"q\""}]}}""", ct), Is.EqualTo(1));
        }

        for (int i = 0; i < 4; i++)
        {
            await got.WaitAsync(ct);
        }

        Assert.That(received.Where(r => !r.Contains("pusher:subscription_succeeded")), Is.EquivalentTo(
            ClientHarness.SeedChannels.Select(c => c + """/message/{"payload":{"data":[{"id":1,"text":"Привет \"q\""}]}}""")));
    }

    [Test, CancelAfter(60_000)]
    public async Task WrongToken_FailsEachPrivateChannelWith401_PublicChannelAndConnectionUnaffected(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(token: "wrong", ct: ct);
        PusherChannel priv = h.Client.Subscribe("private-v1.users.685");
        PusherChannel pub = h.Client.Subscribe("public-news");
        var failures = new System.Collections.Concurrent.ConcurrentQueue<PusherException>();
        priv.SubscriptionFailed += (_, e) => failures.Enqueue(e);

        await h.Client.ConnectAsync(ct);
        var error = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => priv.WaitForSubscriptionAsync(ct));
        await pub.WaitForSubscriptionAsync(ct);

        Assert.That(error!.StatusCode, Is.EqualTo(401));
        Assert.That(error.Message, Does.Not.Contain(ClientHarness.Token).And.Not.Contain("wrong"));
        Assert.That(priv.State, Is.EqualTo(SubscriptionState.Failed));
        Assert.That(failures.Single(), Is.SameAs(error));
        Assert.That(h.Client.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Errors.OfType<ChannelAuthorizationException>().Count(), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task ServerPing_IsAnsweredWithPong(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        await server.SendPingAsync(ct);

        string pong = await server.WaitForFrameAsync(f => f.Contains("pusher:pong"), ct);
        Assert.That(pong, Is.EqualTo("""{"event":"pusher:pong","data":{}}"""));
    }

    [Test, CancelAfter(60_000)]
    public async Task FragmentedServerMessage_IsReassembled(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        var data = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Client.Subscribe("news").Bind("big", (in PusherEvent e) => data.TrySetResult(e.GetDataString()));
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);
        string payload = "{\\\"text\\\":\\\"" + new string('x', 20_000) + "\\\"}";

        await server.SendFragmentedAsync($$"""{"event":"big","channel":"news","data":"{{payload}}"}""", 1000, ct);

        Assert.That(await data.Task.WaitAsync(ct), Is.EqualTo("{\"text\":\"" + new string('x', 20_000) + "\"}"));
    }

    [Test, CancelAfter(60_000)]
    public async Task MessageJustUnderTheLimit_GrowsTheReceiveBuffer_AndTheNextSmallOnesStillArrive(CancellationToken ct)
    {
        // 16 KiB initial buffer, doubled per full read up to MaxMessageSize, given back after the message.
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        var got = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var signal = new SemaphoreSlim(0);
        h.Client.Subscribe("news").Bind("e", (in PusherEvent e) => { got.Enqueue(e.GetDataString()); signal.Release(); });
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);
        string big = "\"" + new string('z', h.Client.Options.MaxMessageSize - 100) + "\"";

        await server.SendEventAsync("e", "news", big, ct);
        await server.SendEventAsync("e", "news", "\"after\"", ct);
        await server.SendEventAsync("e", "news", "\"again\"", ct);
        for (int i = 0; i < 3; i++)
        {
            await signal.WaitAsync(ct);
        }

        Assert.That(got, Is.EqualTo(new[] { big, "\"after\"", "\"again\"" }));
        Assert.That(h.Errors, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task ReceiveIdle_IsRaisedAfterTheLastEventOfABurst_NeverDuringACallback(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        int seen = 0, inCallback = 0, overlaps = 0;
        var idleAfterAll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Client.Subscribe("news").Bind("e", (in PusherEvent _) =>
        {
            Interlocked.Increment(ref inCallback);
            Interlocked.Increment(ref seen);
            Interlocked.Decrement(ref inCallback);
        });
        h.Client.ReceiveIdle += (sender, _) =>
        {
            Assert.That(sender, Is.SameAs(h.Client));
            if (Volatile.Read(ref inCallback) != 0)
            {
                Interlocked.Increment(ref overlaps);
            }

            if (Volatile.Read(ref seen) == 5)
            {
                idleAfterAll.TrySetResult();
            }
        };
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);

        for (int i = 0; i < 5; i++)
        {
            await server.SendEventAsync("e", "news", "{}", ct);
        }

        await idleAfterAll.Task.WaitAsync(ct);
        Assert.That(overlaps, Is.Zero);
    }

    [Test, CancelAfter(60_000)]
    public async Task OversizedMessage_IsDiscardedAndReported_ConnectionKeepsWorking(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { MaxMessageSize = 4096 }, ct: ct);
        var got = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var signal = new SemaphoreSlim(0);
        h.Client.Subscribe("news").Bind("e", (in PusherEvent e) => { got.Enqueue(e.GetDataString()); signal.Release(); });
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);

        await server.SendEventAsync("e", "news", "\"" + new string('y', 100_000) + "\"", ct);
        await server.SendEventAsync("e", "news", "\"after\"", ct);
        await signal.WaitAsync(ct);

        Assert.That(got, Is.EqualTo(new[] { "\"after\"" }));
        var tooLarge = h.Errors.OfType<PusherMessageTooLargeException>().Single();
        Assert.That((tooLarge.Limit, tooLarge.Size), Is.EqualTo((4096, tooLarge.Size)));
        Assert.That(tooLarge.Size, Is.GreaterThan(100_000));
        Assert.That(h.Server.Connections, Has.Count.EqualTo(1), "no reconnect");
    }

    [Test, CancelAfter(60_000)]
    public async Task Unsubscribe_SendsUnsubscribe_AndStopsDelivery(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        PusherChannel channel = h.Client.Subscribe("news");
        int count = 0;
        channel.Bind("e", (in PusherEvent _) => Interlocked.Increment(ref count));
        await h.Client.ConnectAsync(ct);
        await channel.WaitForSubscriptionAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        Assert.That(h.Client.Unsubscribe("news"), Is.True);
        string frame = await server.WaitForFrameAsync(f => f.Contains("pusher:unsubscribe"), ct);

        Assert.That(frame, Is.EqualTo("""{"event":"pusher:unsubscribe","data":{"channel":"news"}}"""));
        Assert.That(channel.State, Is.EqualTo(SubscriptionState.Unsubscribed));
        Assert.That(h.Client.Channels, Is.Empty);
        Assert.That(count, Is.Zero);
    }

    [Test, CancelAfter(60_000)]
    public async Task Disconnect_ClosesCleanly_AndDoesNotReconnect(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        await h.Client.DisconnectAsync(ct);
        await server.WaitForClosedAsync(ct);

        Assert.That(h.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(h.Client.SocketId, Is.Null);
        Assert.That(h.Reconnects, Is.Empty);
        Assert.That(h.States, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected }));
        await h.Client.DisposeAsync();
        await h.Client.DisposeAsync(); // idempotent
    }

    [Test, CancelAfter(60_000)]
    public async Task WrongAppKey_FailsAtHandshakeWith4001_WithoutRetrying(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { Key = "not-the-key" }, ct: ct);

        var e = await Assert.ThrowsAsync<PusherServerErrorException>(() => h.Client.ConnectAsync(ct));

        Assert.That((e!.Code, e.Action), Is.EqualTo(((int?)4001, CloseAction.Refused)));
        Assert.That(h.Client.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(h.Reconnects, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task ClientEvent_IsSentOnAPrivateChannel(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        PusherChannel channel = h.Client.Subscribe("private-v1.users.685");
        await h.Client.ConnectAsync(ct);
        await channel.WaitForSubscriptionAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        Assert.That(await channel.TriggerAsync("client-typing", """{"who":"me"}""", ct), Is.True);
        string frame = await server.WaitForFrameAsync(f => f.Contains("client-typing"), ct);

        Assert.That(frame, Is.EqualTo("""{"event":"client-typing","channel":"private-v1.users.685","data":{"who":"me"}}"""));
        Assert.Throws<ArgumentException>(() => channel.TriggerAsync("typing", "{}", ct));
    }
}
