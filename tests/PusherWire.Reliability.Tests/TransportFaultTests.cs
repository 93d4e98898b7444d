using System.Net.WebSockets;
using System.Text;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// Transport faults through the <see cref="FaultProxy"/> (catalogue scenarios 1-25 in /work/shared/docs/reliability-notes.md).
/// Client timers run on a fake clock; jitter is off, so every delay is its nominal value.
/// </summary>
public class TransportFaultTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan RealBound = TimeSpan.FromSeconds(10);

    [Test, CancelAfter(60_000)]
    public async Task S01_ConnectionRefused_RetriesOnTheBackoffSchedule_AndConnectsWhenAccepted(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        r.Proxy.RefuseConnections = true;
        Task connecting = r.Client.ConnectAsync(ct);

        var delays = new List<TimeSpan>();
        for (int n = 1; n <= 4; n++)
        {
            ReconnectScheduledEventArgs s = await r.WaitForReconnectAsync(n, ct);
            Assert.That((s.Attempt, s.Action, s.Reason), Is.EqualTo((n, CloseAction.Backoff, s.Reason)));
            Assert.That(s.Reason, Is.InstanceOf<PusherConnectionException>());
            // ClientWebSocket's handler may itself retry a reset handshake on a new connection, so count attempts
            // by "nothing happens during the delay" rather than one TCP connection per attempt.
            int accepted = r.Proxy.AcceptedCount;
            Assert.That(accepted, Is.GreaterThanOrEqualTo(n));
            delays.Add(s.Delay);
            r.Time.Advance(s.Delay - Ms);
            Assert.That(r.Proxy.AcceptedCount, Is.EqualTo(accepted), "no attempt before the delay is over");
            if (n == 4)
            {
                r.Proxy.RefuseConnections = false;
            }

            r.Time.Advance(Ms);
        }

        await connecting.WaitAsync(ct);
        Assert.That(delays, Is.EqualTo(new[] { 1, 2, 4, 8 }.Select(s => TimeSpan.FromSeconds(s))));
        Assert.That(r.StateSequence, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Unavailable, ConnectionState.Connected }));
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S02_UpgradeNeverAnswered_AttemptEndsAtConnectTimeout_ThenBacksOff(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        r.Proxy.BlackholeConnections = true;
        Task connecting = r.Client.ConnectAsync(ct);
        await r.Proxy.WaitForAcceptedAsync(1, ct);

        r.Time.Advance(r.Client.Options.ConnectTimeout - Ms);
        Assert.That(r.Reconnects, Is.Empty, "ConnectTimeout - 1 ms");
        r.Time.Advance(Ms);

        ReconnectScheduledEventArgs s = await r.WaitForReconnectAsync(1, ct);
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        Assert.That(s.Reason, Is.InstanceOf<PusherConnectionException>());
        r.Proxy.BlackholeConnections = false;
        r.Time.Advance(s.Delay);
        await connecting.WaitAsync(ct);
        Assert.That(r.Proxy.AcceptedCount, Is.EqualTo(2));
    }

    [Test, CancelAfter(60_000)]
    public async Task S03_S17_ServerDownFiveMinutes_Upgrade503_BacksOffToTheCap_AndRecoversOnSchedule(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        r.Server.AcceptConnections = false;
        Task connecting = r.Client.ConnectAsync(ct);

        var delays = new List<TimeSpan>();
        TimeSpan down = TimeSpan.Zero;
        for (int n = 1; down < TimeSpan.FromMinutes(5); n++)
        {
            Assert.That(n, Is.LessThan(30), "bounded attempts");
            ReconnectScheduledEventArgs s = await r.WaitForReconnectAsync(n, ct);
            Assert.That(s.Reason!.Message, Does.Contain("503"));
            delays.Add(s.Delay);
            down += s.Delay;
            if (down >= TimeSpan.FromMinutes(5))
            {
                r.Server.AcceptConnections = true; // back up: the attempt at the end of this delay succeeds
            }

            r.Time.Advance(s.Delay);
        }

        await connecting.WaitAsync(ct);

        double[] expected = [1, 2, 4, 8, 16, .. Enumerable.Repeat(30.0, 9)];
        Assert.That(delays.Select(d => d.TotalSeconds), Is.EqualTo(expected), "1+2+4+8+16+9x30 = 301 s down");
        Assert.That(r.Server.Connections, Has.Count.EqualTo(1), "refused upgrades never became connections");
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S04_NoConnectionEstablished_WithinConnectTimeout_ClosesAndReconnects(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions { SendConnectionEstablished = false }, ct: ct);
        Task connecting = r.Client.ConnectAsync(ct);
        TestConnection first = await r.Server.WaitForConnectionAsync(0, ct);

        r.Time.Advance(r.Client.Options.ConnectTimeout - Ms);
        Assert.That(r.Reconnects, Is.Empty);
        r.Time.Advance(Ms);
        ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(1, ct);
        await first.WaitForClosedAsync(ct);

        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        await second.SendConnectionEstablishedAsync(cancellationToken: ct);
        await connecting.WaitAsync(ct);
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        Assert.That(r.Client.SocketId, Is.EqualTo(second.SocketId));
    }

    [TestCase("""{"activity_timeout":30}""")]
    [TestCase("""{"socket_id":12.5,"activity_timeout":30}""")]
    [TestCase("""not json""")]
    [CancelAfter(60_000)]
    public async Task S05_MalformedConnectionEstablished_IsAProtocolError_AndBacksOff(string data, CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions { SendConnectionEstablished = false }, ct: ct);
        Task connecting = r.Client.ConnectAsync(ct);
        TestConnection first = await r.Server.WaitForConnectionAsync(0, ct);

        await first.SendEventAsync("pusher:connection_established", null, data, ct);

        ReconnectScheduledEventArgs s = await r.WaitForReconnectAsync(1, ct);
        Assert.That(s.Reason, Is.InstanceOf<PusherProtocolException>());
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        Assert.That(connecting.IsCompleted, Is.False);
    }

    [TestCase("0", 120)]
    [TestCase("-5", 120)]
    [TestCase("1000000000", 120)]
    [TestCase("\"30\"", 120)]
    [TestCase("30", 30)]
    [CancelAfter(60_000)]
    public async Task S05_ActivityTimeoutOutOfRange_IsClampedToTheOption(string value, int expectedSeconds, CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions { SendConnectionEstablished = false }, ct: ct);
        Task connecting = r.Client.ConnectAsync(ct);
        TestConnection first = await r.Server.WaitForConnectionAsync(0, ct);
        await first.SendEventAsync("pusher:connection_established", null, $$"""{"socket_id":"{{first.SocketId}}","activity_timeout":{{value}}}""", ct);
        await connecting.WaitAsync(ct);

        r.Time.Advance(TimeSpan.FromSeconds(expectedSeconds) - Ms);
        Assert.That(r.Socket(0).CountSent("pusher:ping"), Is.Zero);
        r.Time.Advance(Ms);
        // The timer fires inside Advance, but the send may wait a moment for the send lock: wait for the frame itself.
        await first.WaitForFrameAsync(f => f.Contains("pusher:ping"), ct);
        Assert.That(r.Socket(0).CountSent("pusher:ping"), Is.EqualTo(1));
    }

    [TestCase(1000)]
    [TestCase(1001)]
    [CancelAfter(60_000)]
    public async Task S06_ServerCloses1000Or1001_ThroughTheProxy_ReconnectsAfterBackoff_AndResubscribesOnceWithFreshAuth(int code, CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        string[] channels = ["private-v1.users.685", "private-v1.companies.2224", "news"];
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, channels);

        await first.CloseAsync(code, "bye", ct);

        ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(1, ct);
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        foreach (string channel in channels)
        {
            await second.WaitForSubscriptionAsync(channel, ct);
        }

        Assert.That(r.Socket(1).CountSent("pusher:subscribe"), Is.EqualTo(3), "each channel exactly once");
        Assert.That(r.Server.AuthRequests.Where(a => a.SocketId == second.SocketId).Select(a => a.ChannelName),
            Is.EquivalentTo(new[] { "private-v1.users.685", "private-v1.companies.2224" }), "fresh auth for the new socket id");
        Assert.That(r.Server.AuthRequests, Has.Count.EqualTo(4));
        Assert.That(r.StateSequence, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Connecting, ConnectionState.Connected }));
    }

    [TestCase(4001)]
    [TestCase(4003)]
    [TestCase(4004)]
    [TestCase(4005)]
    [TestCase(4009)]
    [CancelAfter(60_000)]
    public async Task S07_RefusingCloseCode_Fails_NeverReconnects_AndDisposeEndsDisconnected(int code, CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "news");

        await first.CloseAsync(code, "refused", ct);
        await r.WaitForStateAsync(ConnectionState.Failed, ct);

        r.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(r.Reconnects, Is.Empty);
        Assert.That(r.Proxy.AcceptedCount, Is.EqualTo(1));
        Assert.That(r.Errors.OfType<PusherServerErrorException>().Select(e => (e.Code, e.Action)), Has.Member(((int?)code, CloseAction.Refused)));
        await r.Client.DisposeAsync();
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(r.StateSequence, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Failed, ConnectionState.Disconnected }));
    }

    [Test, CancelAfter(60_000)]
    public async Task S08_Close41xx_BacksOffWithAGrowingDelay(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.Client.ConnectAsync(ct);
        var delays = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            TestConnection connection = await r.Server.WaitForConnectionAsync(i, ct);
            await connection.CloseAsync(4100 + i, "over capacity", ct);
            ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(i + 1, ct);
            Assert.That(s.Action, Is.EqualTo(CloseAction.Backoff));
            delays.Add(s.Delay.TotalSeconds);
        }

        await r.Server.WaitForConnectionAsync(3, ct);
        Assert.That(delays, Is.EqualTo(new double[] { 1, 2, 4 }));
    }

    [Test, CancelAfter(60_000)]
    public async Task S09_Close42xx_ReconnectsAtOnce_ResubscribesAll_ThenBacksOffIfItRepeats(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "private-v1.users.685", "news");

        await first.CloseAsync(4200, "restarting", ct);
        ReconnectScheduledEventArgs s1 = await r.AdvanceThroughReconnectAsync(1, ct);
        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync("private-v1.users.685", ct);
        await second.WaitForSubscriptionAsync("news", ct);
        await second.CloseAsync(4201, "restarting again", ct);
        ReconnectScheduledEventArgs s2 = await r.AdvanceThroughReconnectAsync(2, ct);
        await r.Server.WaitForConnectionAsync(2, ct);

        Assert.That((s1.Action, s1.Delay), Is.EqualTo((CloseAction.Retry, TimeSpan.Zero)));
        Assert.That((s2.Action, s2.Delay), Is.EqualTo((CloseAction.Retry, TimeSpan.FromSeconds(1))), "a second immediate retry in a row backs off");
        Assert.That(r.Socket(1).CountSent("pusher:subscribe"), Is.EqualTo(2));
    }

    [Test, CancelAfter(60_000)]
    public async Task S10_PusherError4201WhileConnected_WithoutClose_KeepsTheConnection_AndTheDropIsDecidedByItsCloseCode(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "news");

        await first.SendErrorAsync(4201, "Pong reply not received", ct);
        PusherServerErrorException error = await r.WaitForErrorAsync<PusherServerErrorException>(null, ct);
        Assert.That((error.Code, error.Action), Is.EqualTo(((int?)4201, CloseAction.Retry)));
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected), "an error frame alone does not drop the connection");
        Assert.That(r.Reconnects, Is.Empty);

        first.Abort(); // the close that usually follows, here without a close frame
        ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(1, ct);
        // pusher-js acts on the close code only; a drop without one backs off. (Acting on the error instead would make
        // a channel-level 4009 followed by a network blip a permanent refusal.)
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        await r.Server.WaitForConnectionAsync(1, ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task S10_StaleRateLimitError4301_DoesNotMakeALaterDropFatal(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "news");
        using var got = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent _) => got.Release());

        await first.SendErrorAsync(4301, "Client event rejected due to rate limit", ct);
        await r.Server.PublishAsync("news", "e", "{}", ct); // the connection carried on after the error
        await got.WaitAsync(ct);
        r.Proxy.ResetAll();

        ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(1, ct);
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        await r.Server.WaitForConnectionAsync(1, ct);
        Assert.That(r.StateSequence, Does.Not.Contain(ConnectionState.Failed));
    }

    [TestCase(1002)]
    [TestCase(1003)]
    [TestCase(1006)]
    [CancelAfter(60_000)]
    public async Task S11_Close1002_1003_OrDroppedWithoutCloseFrame_BacksOff(int code, CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "news");

        if (code == 1006)
        {
            first.Abort();
        }
        else
        {
            await first.CloseAsync(code, "protocol", ct);
        }

        ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(1, ct);
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync("news", ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task S12_ResetInTheMiddleOfAMessage_DiscardsThePart_Reconnects_NoErrorReachesHandlers(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "news");
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var got = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent e) =>
        {
            received.Enqueue(e.GetDataString().Length > 20 ? "big" : e.GetDataString());
            got.Release();
        });

        r.Proxy.CutOpenConnectionsAfter(50_000);
        await r.Server.PublishAsync("news", "e", "\"" + new string('x', 100_000) + "\"", ct);

        ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(1, ct);
        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync("news", ct);
        await r.Server.PublishAsync("news", "e", "\"after\"", ct);
        await got.WaitAsync(ct);

        Assert.That(received, Is.EqualTo(new[] { "\"after\"" }), "the truncated message was never delivered");
        Assert.That(s.Reason, Is.InstanceOf<PusherConnectionException>());
        Assert.That(r.Errors.Where(e => e is PusherProtocolException or PusherHandlerException), Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S13_HalfOpenConnection_PingAfterActivityTimeout_ReconnectAtActivityPlusPongTimeout(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions { RequiredAuthorization = Rig.Token, ActivityTimeoutSeconds = 30 }, ct: ct);
        await r.ConnectAndSubscribeAsync(ct, "private-v1.users.685");
        r.Proxy.Stalled = true;

        r.Time.Advance(TimeSpan.FromSeconds(30) - Ms);
        Assert.That(r.Socket(0).CountSent("pusher:ping"), Is.Zero);
        r.Time.Advance(Ms);
        // The timer fired inside Advance (the pong deadline is armed), but the ping itself may wait a moment for the
        // send lock (the subscribe's send releasing it on another thread): wait for it to reach the socket.
        await r.Changed.WaitAsync(() => r.Socket(0).CountSent("pusher:ping") == 1, ct);
        r.Time.Advance(r.Client.Options.PongTimeout - Ms);
        Assert.That(r.Reconnects, Is.Empty, "60 s - 1 ms");
        r.Time.Advance(Ms);

        ReconnectScheduledEventArgs s = await r.WaitForReconnectAsync(1, ct);
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Retry, TimeSpan.Zero)));
        Assert.That(s.Reason!.Message, Does.Contain("No pong"));
        r.Proxy.Stalled = false;
        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync("private-v1.users.685", ct);
        Assert.That(r.Server.AuthRequests[^1].SocketId, Is.EqualTo(second.SocketId));
    }

    [Test, CancelAfter(60_000)]
    public async Task S14_ServerPing_WhileAHandlerBlocks_IsAnsweredWhenTheHandlerReturns_ConnectionKept(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        using var release = new ManualResetEventSlim();
        using var entered = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("slow", (in PusherEvent _) =>
        {
            entered.Release();
            release.Wait(ct);
        });

        await r.Server.PublishAsync("news", "slow", "{}", ct);
        await entered.WaitAsync(ct);
        await server.SendPingAsync(ct);

        // Documented limit: callbacks run on the receive loop, which reads nothing more (so neither sees nor answers the
        // ping) until the blocked handler returns.
        Assert.That(r.Socket(0).CountReceived("pusher:ping"), Is.Zero);
        Assert.That(r.Socket(0).CountSent("pusher:pong"), Is.Zero);
        release.Set();
        await r.Changed.WaitAsync(() => r.Socket(0).CountReceived("pusher:ping") == 1, ct);
        await server.WaitForFrameAsync(f => f.Contains("pusher:pong"), ct);
        Assert.That(r.Reconnects, Is.Empty);
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S15_Latency_BelowThePongTimeout_CausesNoFalseDisconnect_AndKeepsOrder(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions { RequiredAuthorization = Rig.Token, ActivityTimeoutSeconds = 30, AutoPong = false }, ct: ct);
        r.Proxy.DownstreamLatency = TimeSpan.FromMilliseconds(150);
        r.Proxy.UpstreamLatency = TimeSpan.FromMilliseconds(150);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        var seen = new List<int>();
        using var got = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("seq", (in PusherEvent e) =>
        {
            seen.Add(int.Parse(e.GetDataString(), System.Globalization.CultureInfo.InvariantCulture));
            got.Release();
        });
        for (int i = 1; i <= 20; i++)
        {
            await r.Server.PublishAsync("news", "seq", i.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        }

        for (int i = 0; i < 20; i++)
        {
            await got.WaitAsync(ct);
        }

        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, 20)));

        r.Time.Advance(TimeSpan.FromSeconds(30)); // 30 s of silence: ping
        await server.WaitForFrameAsync(f => f.Contains("pusher:ping"), ct);
        r.Time.Advance(TimeSpan.FromSeconds(5)); // the pong takes 5 s (fake) to come back
        await server.SendRawAsync("""{"event":"pusher:pong","data":{}}""", ct);
        await r.Changed.WaitAsync(() => r.Socket(0).HasTakenIn("pusher:pong"), ct); // its arrival is stamped

        r.Time.Advance(TimeSpan.FromSeconds(25)); // the pong deadline: the pong came in time
        Assert.That(r.Reconnects, Is.Empty);
        Assert.That(r.Socket(0).CountSent("pusher:ping"), Is.EqualTo(1));
        r.Time.Advance(TimeSpan.FromSeconds(5) - Ms);
        Assert.That(r.Socket(0).CountSent("pusher:ping"), Is.EqualTo(1), "next ping 30 s after the pong, not before");
        r.Time.Advance(Ms);
        await r.Changed.WaitAsync(() => r.Socket(0).CountSent("pusher:ping") == 2, ct); // sent from the timer, a moment later
        Assert.That(r.Reconnects, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S16_FlappingServer_DelaysGrowToTheCap_AndResetOnlyAfterAHealthyPeriod(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.Client.ConnectAsync(ct);
        var delays = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            TestConnection flap = await r.Server.WaitForConnectionAsync(i, ct);
            await r.Changed.WaitAsync(() => r.Client.SocketId == flap.SocketId, ct);
            flap.Abort();
            delays.Add((await r.AdvanceThroughReconnectAsync(i + 1, ct)).Delay.TotalSeconds);
        }

        TestConnection healthy = await r.Server.WaitForConnectionAsync(7, ct);
        await r.Changed.WaitAsync(() => r.Client.SocketId == healthy.SocketId, ct);
        r.Time.Advance(r.Client.Options.Reconnect.ResetAfter);
        healthy.Abort();
        ReconnectScheduledEventArgs afterHealthy = await r.WaitForReconnectAsync(8, ct);

        Assert.That(delays, Is.EqualTo(new double[] { 1, 2, 4, 8, 16, 30, 30 }));
        Assert.That(afterHealthy.Delay, Is.EqualTo(TimeSpan.FromSeconds(1)), "30 s healthy resets the backoff");
        Assert.That(r.Server.Connections, Has.Count.EqualTo(8), "one connection per scheduled attempt, no spin");
    }

    [Test, CancelAfter(60_000)]
    public async Task S19_Slicer_OneByteTcpSegments_EveryMessageReassembledByteExact(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        r.Proxy.DownstreamSliceSize = 1;
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        var got = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var signal = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent e) =>
        {
            got.Enqueue(e.GetDataString());
            signal.Release();
        });
        string[] payloads = ["""{"t":"Привет 😀 \"q\" \\ end"}""", "[" + string.Join(",", Enumerable.Range(0, 1500)) + "]", "\"ü\""];

        foreach (string payload in payloads)
        {
            await r.Server.PublishAsync("news", "e", payload, ct);
        }

        for (int i = 0; i < payloads.Length; i++)
        {
            await signal.WaitAsync(ct);
        }

        Assert.That(got, Is.EqualTo(payloads));
        Assert.That(r.Errors, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S20_HundredContinuationFrames_Reassembled_AndOversizedFragmentedMessageDiscarded_ConnectionKept(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(configure: o => o with { MaxMessageSize = 16 * 1024 }, ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        var got = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var signal = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent e) =>
        {
            got.Enqueue(e.GetDataString());
            signal.Release();
        });
        string small = new('a', 10_000);
        string frame = $$"""{"event":"e","channel":"news","data":"{{small}}"}""";

        await server.SendFragmentedAsync(frame, (frame.Length / 100) + 1, ct);
        await server.SendFragmentedAsync($$"""{"event":"e","channel":"news","data":"{{new string('b', 100_000)}}"}""", 1000, ct);
        await server.SendEventAsync("e", "news", "\"after\"", ct);
        await signal.WaitAsync(ct);
        await signal.WaitAsync(ct);

        Assert.That(got, Is.EqualTo(new[] { small, "\"after\"" }));
        PusherMessageTooLargeException tooLarge = r.Errors.OfType<PusherMessageTooLargeException>().Single();
        Assert.That(tooLarge.Limit, Is.EqualTo(16 * 1024));
        Assert.That(r.Server.Connections, Has.Count.EqualTo(1), "no reconnect");
    }

    [Test, CancelAfter(60_000)]
    public async Task S21_InvalidUtf8InATextFrame_FailsTheSocket_ReportedAndReconnectedWithBackoff(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "news");

        await first.SendRawAsync(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, WebSocketMessageType.Text, ct);

        ReconnectScheduledEventArgs s = await r.AdvanceThroughReconnectAsync(1, ct);
        Assert.That((s.Action, s.Delay), Is.EqualTo((CloseAction.Backoff, TimeSpan.FromSeconds(1))));
        Assert.That(s.Reason, Is.InstanceOf<PusherConnectionException>().Or.InstanceOf<PusherServerErrorException>());
        await (await r.Server.WaitForConnectionAsync(1, ct)).WaitForSubscriptionAsync("news", ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task S22_BinaryFrames_AreSkippedAndReported_LikePusherJs_EvenWithInvalidUtf8_LoopSurvives(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        var got = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var signal = new SemaphoreSlim(0);
        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent e) =>
        {
            got.Enqueue(e.GetDataString());
            signal.Release();
        });

        await server.SendRawAsync(Encoding.UTF8.GetBytes("""{"event":"e","channel":"news","data":"binary"}"""), WebSocketMessageType.Binary, ct);
        // The AFL++ crash input, reduced: an escaped string with invalid UTF-8 (only a binary message can carry it).
        byte[] poison = [.. """{"event":"e","channel":"news","data":"\"x"""u8, 0x85, .. "\"}"u8];
        await server.SendRawAsync(poison, WebSocketMessageType.Binary, ct);
        await server.SendEventAsync("e", "news", "\"text after\"", ct);

        await signal.WaitAsync(ct); // only the text event arrives

        Assert.That(got, Is.EqualTo(new[] { "\"text after\"" }), "pusher-js's JSON.parse fails on binary data; so do we");
        Assert.That(r.Errors.OfType<PusherProtocolException>().Select(e => e.Message).ToList(), Has.Count.EqualTo(2).And.All.Contain("binary message"));
        Assert.That(r.Server.Connections, Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task S23_PeerNeverAnswersOurClose_DisconnectCompletesAtCloseTimeout(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.ConnectAndSubscribeAsync(ct, "news");
        r.Proxy.Stalled = true;

        Task disconnect = r.Client.DisconnectAsync(ct);
        await r.Changed.WaitAsync(() => r.Socket(0).CloseCalls >= 1, ct); // the close timeout is armed (>=: the peer's close may be acknowledged too)
        r.Time.Advance(r.Client.Options.CloseTimeout - Ms);
        Assert.That(disconnect.IsCompleted, Is.False);
        r.Time.Advance(Ms);
        await disconnect.WaitAsync(RealBound, ct);

        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(r.Reconnects, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S24_NetworkGoneDuringDispose_ReturnsAtCloseTimeout_NoReconnect_NoTokenRequest(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.ConnectAndSubscribeAsync(ct, "private-v1.users.685");
        int tokenCalls = r.TokenCalls;
        r.Proxy.Stalled = true;

        ValueTask dispose = r.Client.DisposeAsync();
        await r.Changed.WaitAsync(() => r.Socket(0).CloseCalls >= 1, ct); // the close timeout is armed (>=: the peer's close may be acknowledged too)
        r.Time.Advance(r.Client.Options.CloseTimeout);
        await dispose.AsTask().WaitAsync(RealBound, ct);
        r.Time.Advance(TimeSpan.FromMinutes(10));
        await r.Client.DisposeAsync(); // idempotent

        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(r.Reconnects, Is.Empty);
        Assert.That(r.Proxy.AcceptedCount, Is.EqualTo(1));
        Assert.That(r.TokenCalls, Is.EqualTo(tokenCalls));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => r.Client.ConnectAsync(ct));
    }

    [Test, CancelAfter(60_000)]
    public async Task S25_PeerStopsReading_SendTimesOut_SocketAbortedAndReconnected(CancellationToken ct)
    {
        // An 8 MiB frame outgrows every socket buffer on the way, so a peer that stops reading blocks the send. Client
        // events are capped at Pusher's 10 KB, so the big frame is a subscribe whose (test) signature is oversized.
        var bigSubscribe = new OversizedSignatureAuthorizer("private-big", 8 * 1024 * 1024);
        await using Rig r = await Rig.StartAsync(
            proxyReceiveBuffer: 16 * 1024,
            configure: o => o with { Authorizer = bigSubscribe.Wrap(o.Authorizer!) },
            ct: ct);
        await r.ConnectAndSubscribeAsync(ct, "private-v1.users.685");
        r.Proxy.Stalled = true;

        // The oversized signature is handed back synchronously, so the subscribe reaches SendAsync (which arms the send
        // timeout) before Subscribe returns: advancing the clock right after cannot run ahead of the timer.
        r.Client.Subscribe("private-big");
        Assert.That(bigSubscribe.Handed, Is.True, "the subscribe did not reach the authorizer synchronously");
        r.Time.Advance(r.Client.Options.SendTimeout);

        ReconnectScheduledEventArgs s = await r.WaitForReconnectAsync(1, ct);
        Assert.That(r.Errors.OfType<PusherConnectionException>().Select(e => e.Message), Has.Some.Contains("did not complete within 10 s"));
        Assert.That(s.Action, Is.EqualTo(CloseAction.Backoff));
        r.Proxy.Stalled = false;
        r.Client.Unsubscribe("private-big"); // the resubscribe after the reconnect is ordinary again
        r.Time.Advance(s.Delay);
        await (await r.Server.WaitForConnectionAsync(1, ct)).WaitForSubscriptionAsync("private-v1.users.685", ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task S25_CancellingASend_NeverBreaksTheSocket(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "private-v1.users.685");
        PusherChannel channel = r.Client.GetChannel("private-v1.users.685")!;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => channel.TriggerAsync("client-a", "{}", cancelled.Token));
        Assert.That(await channel.TriggerAsync("client-b", "{}", ct), Is.True);
        await server.WaitForFrameAsync(f => f.Contains("client-b"), ct);

        Assert.That(server.Frames.Any(f => f.Contains("client-a")), Is.False);
        Assert.That(r.Reconnects, Is.Empty);
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    /// <summary>Answers one channel with a signature of <c>size</c> bytes, synchronously; every other channel goes to the real authorizer.</summary>
    private sealed class OversizedSignatureAuthorizer(string channel, int size)
    {
        public bool Handed { get; private set; }

        private string Channel => channel;

        private ChannelAuthorization Answer() => new("key:" + new string('a', size));

        public IChannelAuthorizer Wrap(IChannelAuthorizer inner) => new Wrapper(this, inner);

        private sealed class Wrapper(OversizedSignatureAuthorizer owner, IChannelAuthorizer inner) : IChannelAuthorizer
        {
            public ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken)
            {
                if (request.ChannelName != owner.Channel)
                {
                    return inner.AuthorizeAsync(request, cancellationToken);
                }

                owner.Handed = true;
                return ValueTask.FromResult(owner.Answer());
            }
        }
    }
}
