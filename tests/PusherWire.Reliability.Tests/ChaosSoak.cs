// The seeded chaos soak: random faults over the fault proxy while sequenced events flow, delivery invariants checked as it goes.
using System.Globalization;
using System.Text;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// Drives one <see cref="Rig"/> through <c>faults</c> random faults chosen by a seeded <see cref="Random"/>: TCP resets,
/// cuts in the middle of a frame, server-side drops, stalls (short ones, and half-open ones the keepalive must detect),
/// 4100/4200 closes and server pings, with bursts of sequenced events on several channels in between. The server side
/// of every event is recorded before it is sent, per connection, so each received event is checked at once:
/// <list type="bullet">
/// <item>on one connection a channel's events arrive exactly as sent: nothing skipped, nothing twice, in order (only the
///       tail of a connection that died may be lost);</item>
/// <item>across connections a channel's sequence numbers only grow (no duplicate after a reconnect);</item>
/// <item>every connection subscribes each channel at most once, exactly once when it lived to be fully subscribed,
///       private channels with an auth request for that connection's socket id, and the server rejects no signature;</item>
/// <item>the managed heap does not grow with the number of faults; DisposeAsync returns at CloseTimeout with the network silent.</item>
/// </list>
/// The fault sequence is a function of the seed (thread timing is not), so a failing seed replays the same faults.
/// </summary>
internal sealed class ChaosSoak
{
    private const string Seq = "seq";
    private static readonly string[] FaultKinds = ["reset", "cut-mid-frame", "server-drop", "close-4100", "close-4200", "server-ping", "short-stall", "half-open"];
    private static readonly string[] Channels = ["private-chaos-a", "private-chaos-b", "chaos-public"];

    private readonly Rig _r;
    private readonly int _seed;
    private readonly Random _random; // the faults, and whether a burst lands before or during one: a function of the seed
    private readonly Random _bursts; // burst sizes and channels (how many bursts run depends on timing)
    private readonly Lock _gate = new();
    // socket id -> channel -> sequence numbers sent on that connection, in order (recorded before each send).
    private readonly Dictionary<string, Dictionary<string, List<int>>> _sent = [];
    // socket id -> channel -> how many of those the client has received.
    private readonly Dictionary<string, Dictionary<string, int>> _received = [];
    private readonly Dictionary<string, int> _lastSeen = Channels.ToDictionary(c => c, _ => -1);
    private readonly Dictionary<string, int> _next = Channels.ToDictionary(c => c, _ => 0);
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, int> _faultCounts = [];
    private int _advancedReconnects;
    private volatile string _where = "starting";
    private string _lastFault = "";
    private long _delivered;
    private long _sentBefore; // events recorded on connections whose records were trimmed

    private ChaosSoak(Rig r, int seed)
    {
        _r = r;
        _seed = seed;
        _random = new Random(seed);
        _bursts = new Random(unchecked(seed * 31 + 7));
    }

    /// <summary>What one run did, for the test's output and docs/reliability.md.</summary>
    public sealed record Result(int Seed, int Faults, IReadOnlyDictionary<string, int> FaultCounts, long EventsSent, long EventsDelivered,
        int Connections, long HeapGrowthBytes, TimeSpan Elapsed)
    {
        public override string ToString() =>
            $"seed {Seed}: {Faults} faults ({string.Join(", ", FaultCounts.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value}"))}), " +
            $"{EventsSent} events sent, {EventsDelivered} delivered, {Connections} connections, heap growth {HeapGrowthBytes / 1024} KiB, {Elapsed.TotalSeconds:0.0} s";
    }

    /// <param name="dedicatedReceiveThread">PusherOptions.DedicatedReceiveThread: the soak runs on both receive paths.</param>
    public static async Task<Result> RunAsync(int seed, int faults, CancellationToken ct, bool dedicatedReceiveThread = true)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using Rig r = await Rig.StartAsync(
            new PusherTestServerOptions { RequiredAuthorization = Rig.Token, ActivityTimeoutSeconds = 30 },
            configure: o => o with { DedicatedReceiveThread = dedicatedReceiveThread }, ct: ct);
        var soak = new ChaosSoak(r, seed);
        try
        {
            return await soak.DriveAsync(faults, started, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            throw new TimeoutException($"stuck {soak.Describe()}", e);
        }
    }

    /// <summary>Where the soak is and what the client looks like: printed when it gets stuck.</summary>
    private string Describe() =>
        $"at {_where}: client {_r.Client.State}, socket id {_r.Client.SocketId ?? "none"}, {_r.Reconnects.Count} reconnects scheduled " +
        $"({_advancedReconnects} advanced), {_r.SocketCount} sockets, {_r.Server.Connections.Count} server connections, proxy stalled {_r.Proxy.Stalled}, " +
        $"last server connection subscribed to [{string.Join(", ", _r.Server.Connections is { Count: > 0 } all ? all[^1].Subscriptions : [])}], " +
        $"last errors: {string.Join(" | ", _r.Errors.TakeLast(3).Select(e => e.Message))}";

    private async Task<Result> DriveAsync(int faults, System.Diagnostics.Stopwatch started, CancellationToken ct)
    {
        Rig r = _r;
        ChaosSoak soak = this;
        foreach (string channel in Channels)
        {
            r.Client.Subscribe(channel).Bind(Seq, (in PusherEvent e) => soak.OnEvent(channel, e.GetDataString()));
        }

        await r.Client.ConnectAsync(ct);
        await soak.RecoverAsync(ct);
        long baseline = 0;
        int baselineConnections = 0;
        for (int fault = 0; fault < faults; fault++)
        {
            if (fault == Math.Min(10, faults / 4))
            {
                // Warmed up (JIT, pools, the first connections): the heap from here on must not grow with the faults.
                soak.TrimRecordings();
                baseline = GC.GetTotalMemory(forceFullCollection: true);
                baselineConnections = r.Server.Connections.Count;
            }

            // Every draw of the fault generator happens here, whatever the timing: the same seed, the same faults.
            string kind = FaultKinds[soak._random.Next(FaultKinds.Length)];
            bool settle = soak._random.Next(4) != 0;
            int cutAfter = soak._random.Next(1, 400);
            await soak.BurstAsync(ct);
            if (settle)
            {
                // Mostly the burst is delivered before the fault; one time in four the fault hits it in flight.
                await soak.WaitForAllDeliveredAsync(ct);
            }

            soak._where = $"fault {fault + 1}";
            await soak.InjectFaultAsync(kind, cutAfter, ct);
            soak._where = $"recovering after fault {fault + 1} ({soak._lastFault})";
            await soak.RecoverAsync(ct);
            soak.ThrowIfViolated();
        }

        soak._where = "final delivery";
        // Quiet network: a last burst must arrive whole on the final connection.
        await soak.BurstAsync(ct);
        await soak.WaitForAllDeliveredAsync(ct);
        soak.CheckSubscriptions();
        soak.TrimRecordings();
        long growth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        int connections = r.Server.Connections.Count;
        // The test server keeps every connection it served (its HttpContext, frames, subscriptions), ~17 KiB each in the
        // 5000-fault run: allow for that. The client's own share is not measured apart (docs/reliability.md).
        long allowed = 8L * 1024 * 1024 + (connections - baselineConnections) * 24L * 1024;
        if (growth > allowed)
        {
            soak.Violate($"heap grew by {growth / 1024} KiB over {connections - baselineConnections} connections (allowed {allowed / 1024} KiB)");
        }

        soak._where = "disposing";
        await soak.DisposePromptlyAsync(ct);
        soak.ThrowIfViolated();
        long sent;
        lock (soak._gate)
        {
            sent = soak._sentBefore + soak._sent.Values.Sum(c => c.Values.Sum(l => (long)l.Count));
        }

        return new Result(_seed, faults, soak._faultCounts, sent, Interlocked.Read(ref soak._delivered), connections, growth, started.Elapsed);
    }

    private void OnEvent(string channel, string data)
    {
        int n = int.Parse(data, CultureInfo.InvariantCulture);
        string socket = _r.Client.SocketId ?? "?"; // callbacks run on the current connection's parse loop
        lock (_gate)
        {
            if (n <= _lastSeen[channel])
            {
                Violate($"{channel}: {n} after {_lastSeen[channel]} (duplicate or out of order across connections)");
            }

            _lastSeen[channel] = n;
            List<int> sent = _sent.TryGetValue(socket, out var bySocket) && bySocket.TryGetValue(channel, out var list) ? list : [];
            Dictionary<string, int> received = _received.TryGetValue(socket, out var r) ? r : _received[socket] = [];
            int index = received.GetValueOrDefault(channel);
            if (index >= sent.Count || sent[index] != n)
            {
                Violate($"{channel} on {socket}: got {n}, expected {(index < sent.Count ? sent[index].ToString(CultureInfo.InvariantCulture) : "nothing")} " +
                        $"(event #{index} of this connection: lost, duplicated or reordered while connected)");
            }

            received[channel] = index + 1;
        }

        Interlocked.Increment(ref _delivered);
        _r.Changed.Pulse();
    }

    private void Violate(string what)
    {
        lock (_gate)
        {
            if (_violations.Count < 20)
            {
                _violations.Add(what);
            }
        }
    }

    private void ThrowIfViolated()
    {
        lock (_gate)
        {
            if (_violations.Count > 0)
            {
                Assert.Fail("Invariant violated:\n  " + string.Join("\n  ", _violations));
            }
        }
    }

    /// <summary>The server connection the client is on now (connected, every channel subscribed), or null.</summary>
    private TestConnection? Current()
    {
        string? socketId = _r.Client.SocketId;
        if (_r.Client.State != ConnectionState.Connected || socketId is null)
        {
            return null;
        }

        TestConnection? connection = _r.Server.Connections.LastOrDefault(c => c.SocketId == socketId);
        return connection is not null && !connection.IsClosed && Channels.All(connection.IsSubscribed) ? connection : null;
    }

    /// <summary>Until the client is connected with every channel subscribed, advances the fake clock through each scheduled reconnect.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        while (true)
        {
            ReconnectScheduledEventArgs? pending = null;
            await _r.Changed.WaitAsync(() => Current() is not null || (pending = NextReconnect()) is not null, ct);
            if (pending is null)
            {
                return;
            }

            _advancedReconnects++;
            _r.Time.Advance(pending.Delay);
        }
    }

    private ReconnectScheduledEventArgs? NextReconnect() =>
        _r.Reconnects.Count > _advancedReconnects ? _r.Reconnects.ElementAt(_advancedReconnects) : null;

    private async Task BurstAsync(CancellationToken ct)
    {
        TestConnection? connection = Current();
        if (connection is null)
        {
            return;
        }

        int count = _bursts.Next(1, 25);
        for (int i = 0; i < count; i++)
        {
            string channel = Channels[_bursts.Next(Channels.Length)];
            int n;
            lock (_gate)
            {
                n = _next[channel]++;
                if (!_sent.TryGetValue(connection.SocketId, out var bySocket))
                {
                    _sent[connection.SocketId] = bySocket = [];
                }

                if (!bySocket.TryGetValue(channel, out var list))
                {
                    bySocket[channel] = list = [];
                }

                list.Add(n); // before the send: the client may see it before SendEventAsync returns
            }

            try
            {
                await connection.SendEventAsync(Seq, channel, n.ToString(CultureInfo.InvariantCulture), ct);
            }
            catch (Exception e) when (IsGone(e, ct))
            {
                return; // the connection is gone: what was recorded as sent on it may be lost (its tail)
            }
        }
    }

    /// <summary>A send on a server connection that a fault (or the client) has just ended.</summary>
    private static bool IsGone(Exception e, CancellationToken ct) =>
        e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException or InvalidOperationException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private async Task InjectFaultAsync(string kind, int cutAfter, CancellationToken ct)
    {
        _faultCounts[kind] = _faultCounts.GetValueOrDefault(kind) + 1;
        try
        {
            await InjectAsync(kind, cutAfter, ct);
        }
        catch (Exception e) when (IsGone(e, ct))
        {
            // The connection ended under the fault itself (a racing close): the reconnect below still applies.
        }
    }

    private async Task InjectAsync(string kind, int cutAfter, CancellationToken ct)
    {
        TestConnection? connection = Current();
        if (connection is null)
        {
            return;
        }

        _lastFault = kind;
        _where = $"injecting {kind}";
        int reconnects = _r.Reconnects.Count;
        switch (kind)
        {
            case "reset":
                _r.Proxy.ResetAll();
                break;
            case "cut-mid-frame":
            {
                int budget = cutAfter;
                _r.Proxy.CutOpenConnectionsAfter(budget);
                for (int i = 0; i < 50 && _r.Reconnects.Count == reconnects && Current() is not null; i++)
                {
                    await BurstAsync(ct); // the cut lands inside one of these frames
                    string socket = connection.SocketId;
                    await _r.Changed.WaitAsync(() => AllDelivered(socket) || _r.Reconnects.Count > reconnects, ct);
                }

                if (_r.Reconnects.Count == reconnects)
                {
                    // The budget ran out exactly at a frame boundary with nothing more to forward: no cut yet.
                    _r.Proxy.ResetAll();
                }

                break;
            }

            case "server-drop":
                connection.Abort();
                break;
            case "close-4100":
                await connection.CloseAsync(4100, "over capacity", ct);
                break;
            case "close-4200":
                await connection.CloseAsync(4200, "reconnect", ct);
                break;
            case "server-ping":
            {
                RecordingSocket socket = _r.Socket(_r.SocketCount - 1);
                int pongs = socket.CountSent("pusher:pong");
                await connection.SendPingAsync(ct);
                await _r.Changed.WaitAsync(() => socket.CountSent("pusher:pong") > pongs || _r.Reconnects.Count > reconnects, ct);
                return;
            }

            case "short-stall":
                _r.Proxy.Stalled = true;
                await BurstAsync(ct); // held by the proxy, delivered when it resumes
                _r.Proxy.Stalled = false;
                return;
            case "half-open":
            {
                // A silent peer: the keepalive pings after ActivityTimeout, gives up PongTimeout later, reconnects at once.
                // Nothing in flight first: an event arriving after the clock jump would count as activity (stamped
                // with the new time) and rightly postpone the ping.
                string id = connection.SocketId;
                await _r.Changed.WaitAsync(() => AllDelivered(id) || _r.Reconnects.Count > reconnects, ct);
                RecordingSocket socket = _r.Socket(_r.SocketCount - 1);
                int pings = socket.CountSent("pusher:ping");
                _r.Proxy.Stalled = true;
                _r.Time.Advance(TimeSpan.FromSeconds(30)); // min(option 120 s, the server's 30 s)
                await _r.Changed.WaitAsync(() => socket.CountSent("pusher:ping") > pings || _r.Reconnects.Count > reconnects, ct);
                if (_r.Reconnects.Count == reconnects)
                {
                    _r.Time.Advance(_r.Client.Options.PongTimeout);
                    await _r.Changed.WaitAsync(() => _r.Reconnects.Count > reconnects, ct);
                }

                _r.Proxy.Stalled = false;
                break;
            }
        }

        // Every fault above but the ping and the short stall ends the connection: wait for its reconnect to be scheduled.
        await _r.Changed.WaitAsync(() => _r.Reconnects.Count > reconnects, ct);
    }

    private async Task WaitForAllDeliveredAsync(CancellationToken ct)
    {
        TestConnection? connection = Current();
        Assert.That(connection, Is.Not.Null, "connected at the end");
        string socket = connection!.SocketId;
        await _r.Changed.WaitAsync(() => AllDelivered(socket), ct);
    }

    private bool AllDelivered(string socket)
    {
        lock (_gate)
        {
            return !_sent.TryGetValue(socket, out var bySocket) || bySocket.All(c => _received.TryGetValue(socket, out var r) && r.GetValueOrDefault(c.Key) == c.Value.Count);
        }
    }

    private void CheckSubscriptions()
    {
        IReadOnlyList<TestAuthRequest> auths = _r.Server.AuthRequests;
        foreach (TestConnection connection in _r.Server.Connections)
        {
            IReadOnlyList<string> frames = connection.Frames;
            bool complete = Channels.All(connection.IsSubscribed);
            foreach (string channel in Channels)
            {
                int subscribes = frames.Count(f => f.Contains("\"pusher:subscribe\"", StringComparison.Ordinal) && f.Contains($"\"channel\":\"{channel}\"", StringComparison.Ordinal));
                if (subscribes > 1 || (complete && subscribes != 1))
                {
                    Violate($"{connection.SocketId}: {channel} subscribed {subscribes} times");
                }

                int signed = auths.Count(a => a.SocketId == connection.SocketId && a.ChannelName == channel);
                if (channel.StartsWith("private-", StringComparison.Ordinal) ? signed > 1 || (subscribes == 1 && signed != 1) : signed != 0)
                {
                    Violate($"{connection.SocketId}: {signed} auth requests for {channel} ({subscribes} subscribe)");
                }
            }

            if (connection.RejectedSubscriptions.Count > 0)
            {
                Violate($"{connection.SocketId}: the server rejected {string.Join(", ", connection.RejectedSubscriptions)} (stale signature?)");
            }
        }
    }

    /// <summary>The recording sockets keep every frame: drop what closed connections recorded, so the heap check sees the client.</summary>
    private void TrimRecordings()
    {
        for (int i = 0; i < _r.SocketCount - 1; i++)
        {
            _r.Socket(i).Sent.Clear();
            _r.Socket(i).Received.Clear();
        }

        // The rig's error and state logs hold an exception (with its stack trace) per reconnect: not the client's.
        _r.Errors.Clear();
        _r.States.Clear();
        string? current = _r.Client.SocketId;
        lock (_gate)
        {
            foreach (string socket in _sent.Keys.Where(k => k != current).ToList())
            {
                _sentBefore += _sent[socket].Values.Sum(l => (long)l.Count);
                _sent.Remove(socket);
                _received.Remove(socket);
            }
        }
    }

    private async Task DisposePromptlyAsync(CancellationToken ct)
    {
        RecordingSocket socket = _r.Socket(_r.SocketCount - 1);
        _r.Proxy.Stalled = true; // the peer never answers the close
        Task dispose = _r.Client.DisposeAsync().AsTask();
        await _r.Changed.WaitAsync(() => socket.CloseCalls >= 1, ct);
        _r.Time.Advance(_r.Client.Options.CloseTimeout);
        try
        {
            await dispose.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        catch (TimeoutException)
        {
            Violate("DisposeAsync did not return at CloseTimeout");
        }

        _r.Proxy.Stalled = false;
    }
}
