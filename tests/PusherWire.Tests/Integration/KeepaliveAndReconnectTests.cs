using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Testing;

namespace PusherWire.Tests.Integration;

/// <summary>Keepalive, close codes and reconnects, timed by a fake clock (pusher-js's jasmine.clock pattern).</summary>
public class KeepaliveAndReconnectTests
{
    [Test, CancelAfter(60_000)]
    public async Task Ping_GoesOutAtTheServersShorterActivityTimeout_NotAMillisecondBefore(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(
            new PusherTestServerOptions { RequiredAuthorization = ClientHarness.Token, ActivityTimeoutSeconds = 30 },
            o => o with { ActivityTimeout = TimeSpan.FromSeconds(120) }, ct: ct);
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        RecordingSocket socket = h.Socket(0);

        h.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.That(socket.CountSent("pusher:ping"), Is.Zero, "min(120 s option, 30 s server) - 1 ms");

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        // The timer fires synchronously inside Advance; the send itself may finish a moment later, so wait for the server.
        Assert.That(await server.WaitForFrameAsync(f => f.Contains("pusher:ping"), ct), Is.EqualTo("""{"event":"pusher:ping","data":{}}"""));
        Assert.That(socket.CountSent("pusher:ping"), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task IncomingTraffic_PostponesThePing(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(
            new PusherTestServerOptions { RequiredAuthorization = ClientHarness.Token, ActivityTimeoutSeconds = 30 }, ct: ct);
        var received = new SemaphoreSlim(0);
        h.Client.BindGlobal((in PusherEvent _) => received.Release());
        h.Client.Subscribe("news");
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);

        h.Time.Advance(TimeSpan.FromSeconds(20));
        await h.Server.PublishAsync("news", "e", "{}", ct);
        await received.WaitAsync(ct);
        h.Time.Advance(TimeSpan.FromSeconds(20)); // 40 s since connect, 20 s since the event
        Assert.That(h.Socket(0).CountSent("pusher:ping"), Is.Zero);

        h.Time.Advance(TimeSpan.FromSeconds(10));
        await server.WaitForFrameAsync(f => f.Contains("pusher:ping"), ct);
        Assert.That(h.Socket(0).CountSent("pusher:ping"), Is.EqualTo(1), "30 s after the last incoming message");
    }

    [Test, CancelAfter(60_000)]
    public async Task ClockPassingSendTimeout_WhileNoSendIsOnTheWire_DoesNotDropTheConnection(CancellationToken ct)
    {
        // The send timeout once took "no send in flight" for a stuck send: a fake clock advanced right after the server
        // had the subscribe (the sender not yet past its finally, on a loaded machine) aborted a healthy connection, and
        // IncomingTraffic_PostponesThePing waited for an event published to the dropped socket. Here the clock passes
        // SendTimeout deterministically just before the subscribe frame is handed to the socket.
        await using ClientHarness h = await ClientHarness.StartAsync(
            configure: o => o with { DefaultSocketDecorator = ClockJumpingSocket.Wrap(o.DefaultSocketDecorator!, (FakeTimeProvider)o.TimeProvider, o.SendTimeout) }, ct: ct);
        PusherChannel channel = h.Client.Subscribe("news");
        await h.Client.ConnectAsync(ct);

        Task subscribed = channel.WaitForSubscriptionAsync(ct);
        Task finished = await Task.WhenAny(subscribed, h.ReconnectSignal.WaitAsync(ct));

        Assert.That(finished, Is.SameAs(subscribed), "the connection was dropped instead of subscribing");
        await subscribed;
        Assert.That(h.Reconnects, Is.Empty);
        Assert.That(h.Errors.Select(e => e.Message), Has.None.Contains("did not complete within"));
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Bind("e", (in PusherEvent _) => got.TrySetResult());
        await h.Server.PublishAsync("news", "e", "{}", ct);
        await got.Task.WaitAsync(ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task MissingPong_DropsTheConnection_AndReconnectsAtOnce_WithChannelsResubscribed(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(
            new PusherTestServerOptions { RequiredAuthorization = ClientHarness.Token, ActivityTimeoutSeconds = 30, AutoPong = false }, ct: ct);
        PusherChannel channel = h.Client.Subscribe("private-v1.companies.2224");
        await h.Client.ConnectAsync(ct);
        await channel.WaitForSubscriptionAsync(ct);
        TestConnection first = await h.Server.WaitForConnectionAsync(0, ct);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        await first.WaitForFrameAsync(f => f.Contains("pusher:ping"), ct);
        Assert.That(h.Socket(0).CountSent("pusher:ping"), Is.EqualTo(1));
        h.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.That(h.Reconnects, Is.Empty, "pong timeout not reached yet");
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        ReconnectScheduledEventArgs reconnect = await h.AdvanceThroughNextReconnectAsync(ct);
        Assert.That((reconnect.Action, reconnect.Delay), Is.EqualTo((CloseAction.Retry, TimeSpan.Zero)), "pusher-js retries at once after a pong timeout");
        Assert.That(reconnect.Reason, Is.InstanceOf<PusherConnectionException>());
        TestConnection second = await h.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync("private-v1.companies.2224", ct);
        Assert.That(h.Server.AuthRequestCount, Is.EqualTo(2), "re-authorized for the new socket id");
    }

    [Test, CancelAfter(60_000)]
    public async Task AbruptDrop_Reconnects_AfterBackoff_AndResubscribesEveryChannelOnceWithFreshAuth(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(
            configure: o => o with { Reconnect = new ReconnectPolicy { RandomSource = () => 0 } }, ct: ct);
        var channels = ClientHarness.SeedChannels.Select(h.Client.Subscribe).ToList();
        await h.Client.ConnectAsync(ct);
        await Task.WhenAll(channels.Select(c => c.WaitForSubscriptionAsync(ct)));
        TestConnection first = await h.Server.WaitForConnectionAsync(0, ct);
        string firstSocketId = h.Client.SocketId!;

        first.Abort();

        ReconnectScheduledEventArgs reconnect = await h.AdvanceThroughNextReconnectAsync(ct);
        Assert.That((reconnect.Attempt, reconnect.Action, reconnect.Delay), Is.EqualTo((1, CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        TestConnection second = await h.Server.WaitForConnectionAsync(1, ct);
        foreach (string name in ClientHarness.SeedChannels)
        {
            await second.WaitForSubscriptionAsync(name, ct);
        }

        await Task.WhenAll(channels.Select(c => c.WaitForSubscriptionAsync(ct)));
        Assert.That(h.Client.SocketId, Is.EqualTo(second.SocketId).And.Not.EqualTo(firstSocketId));
        Assert.That(h.Server.AuthRequestCount, Is.EqualTo(8));
        Assert.That(h.Socket(1).CountSent("pusher:subscribe"), Is.EqualTo(4), "each channel exactly once");
        Assert.That(h.States, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Connecting, ConnectionState.Connected }));

        // Events flow on the new connection.
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channels[3].Bind("quickResponse", (in PusherEvent e) => got.TrySetResult(e.GetDataString()));
        await h.Server.PublishAsync("private-v1.users.685", "quickResponse", """{"ok":true}""", ct);
        Assert.That(await got.Task.WaitAsync(ct), Is.EqualTo("""{"ok":true}"""));
    }

    [TestCase(4200, CloseAction.Retry, 0)]
    [TestCase(4100, CloseAction.Backoff, 1000)]
    [TestCase(1001, CloseAction.Backoff, 1000)]
    [CancelAfter(60_000)]
    public async Task ServerClose_ReconnectsPerTheCloseCodeTable(int code, CloseAction action, int delayMs, CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(
            configure: o => o with { Reconnect = new ReconnectPolicy { RandomSource = () => 0 } }, ct: ct);
        await h.Client.ConnectAsync(ct);
        TestConnection first = await h.Server.WaitForConnectionAsync(0, ct);

        await first.CloseAsync(code, "bye", ct);

        ReconnectScheduledEventArgs reconnect = await h.AdvanceThroughNextReconnectAsync(ct);
        Assert.That((reconnect.Action, reconnect.Delay), Is.EqualTo((action, TimeSpan.FromMilliseconds(delayMs))));
        await h.Server.WaitForConnectionAsync(1, ct);
        if (code >= 4000)
        {
            var error = (PusherServerErrorException)reconnect.Reason!;
            Assert.That(error.Code, Is.EqualTo(code));
        }
    }

    [TestCase(4001)]
    [TestCase(4009)]
    [TestCase(4300)]
    [CancelAfter(60_000)]
    public async Task RefusingClose_FailsWithoutReconnecting(int code, CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Client.StateChanged += (_, s) => { if (s.Current == ConnectionState.Failed) { failed.TrySetResult(); } };
        await h.Client.ConnectAsync(ct);
        TestConnection first = await h.Server.WaitForConnectionAsync(0, ct);

        await first.SendErrorAsync(code, "refused", ct);
        await first.CloseAsync(code, "refused", ct);
        await failed.Task.WaitAsync(ct);

        Assert.That(h.Reconnects, Is.Empty);
        Assert.That(h.Errors.OfType<PusherServerErrorException>().Select(e => e.Code), Has.Member(code));
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(h.Server.Connections, Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task ServerErrorAfterConnect_IsReportedOnly_ALaterDropStillReconnects(CancellationToken ct)
    {
        // laravel-websockets answers a bad channel signature with pusher:error 4009 and keeps the connection open.
        await using ClientHarness h = await ClientHarness.StartAsync(
            configure: o => o with { Reconnect = new ReconnectPolicy { RandomSource = () => 0 } }, ct: ct);
        await h.Client.ConnectAsync(ct);
        TestConnection first = await h.Server.WaitForConnectionAsync(0, ct);

        await first.SendErrorAsync(4009, "Invalid signature", ct);
        await first.SendPingAsync(ct);
        await first.WaitForFrameAsync(f => f.Contains("pusher:pong"), ct); // the error frame has been processed
        Assert.That(h.Client.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Errors.OfType<PusherServerErrorException>().Single().Code, Is.EqualTo(4009));

        first.Abort(); // a network blip, no close code
        ReconnectScheduledEventArgs reconnect = await h.AdvanceThroughNextReconnectAsync(ct);

        Assert.That(reconnect.Action, Is.EqualTo(CloseAction.Backoff), "pusher-js decides by the close code only, not an earlier pusher:error");
        await h.Server.WaitForConnectionAsync(1, ct);
        Assert.That(h.States, Does.Not.Contain(ConnectionState.Failed));
    }

    [Test, CancelAfter(60_000)]
    public async Task Unreachable_GoesUnavailableAfterTheTimeout_AndKeepsTrying(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        int port = h.Server.Port;
        await h.Server.DisposeAsync(); // nothing listens on the port any more
        var client = new PusherClient(h.Client.Options with { Port = port, Reconnect = new ReconnectPolicy { RandomSource = () => 0 } });
        var scheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ReconnectScheduled += (_, _) => scheduled.TrySetResult();
        var unavailable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += (_, s) => { if (s.Current == ConnectionState.Unavailable) { unavailable.TrySetResult(); } };
        Task connecting = client.ConnectAsync(ct);

        await scheduled.Task.WaitAsync(ct); // the first attempt was refused and a retry is pending

        Assert.That(client.State, Is.EqualTo(ConnectionState.Connecting));
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await unavailable.Task.WaitAsync(ct);
        Assert.That(connecting.IsCompleted, Is.False, "ConnectAsync waits while retrying, as pusher-js keeps trying");
        await client.DisposeAsync();
        Assert.That(client.State, Is.EqualTo(ConnectionState.Disconnected));
    }

    /// <summary>Advances the fake clock by SendTimeout just before the first subscribe frame reaches the real socket.</summary>
    private sealed class ClockJumpingSocket(WebSocket inner, FakeTimeProvider time, TimeSpan jump) : ForwardingWebSocket(inner)
    {
        private int _jumped;

        public static Func<Uri, WebSocket, WebSocket> Wrap(Func<Uri, WebSocket, WebSocket> decorate, FakeTimeProvider time, TimeSpan jump) =>
            (uri, socket) => new ClockJumpingSocket(decorate(uri, socket), time, jump);

        public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (buffer.Span.IndexOf("pusher:subscribe"u8) >= 0 && Interlocked.Exchange(ref _jumped, 1) == 0)
            {
                time.Advance(jump);
            }

            return Inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
        }
    }
}
