using System.Collections.Concurrent;
using System.Globalization;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>Handlers, concurrency and lifecycle (catalogue 45-51), plus the backoff spread (18).</summary>
public class LifecycleTests
{
    private static string S(int i) => i.ToString(CultureInfo.InvariantCulture);

    [Test, CancelAfter(60_000)]
    public async Task S45_AHandlerThrowingOnEveryEvent_ReportedOncePerEvent_OthersStillReceiveAll_ErrorHandlerThrowingContained(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news");
        PusherChannel news = r.Client.GetChannel("news")!;
        news.Bind("e", (in PusherEvent _) => throw new InvalidOperationException("handler bug"));
        var seen = new List<int>();
        using var got = new SemaphoreSlim(0);
        news.Bind("e", (in PusherEvent e) =>
        {
            seen.Add(int.Parse(e.GetDataString(), CultureInfo.InvariantCulture));
            got.Release();
        });
        r.Client.Error += (_, _) => throw new InvalidOperationException("the Error handler is buggy too");

        for (int i = 1; i <= 100; i++)
        {
            await r.Server.PublishAsync("news", "e", S(i), ct);
        }

        for (int i = 0; i < 100; i++)
        {
            await got.WaitAsync(ct);
        }

        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, 100)), "in order, none lost, none twice");
        Assert.That(r.Errors.OfType<PusherHandlerException>().Count(), Is.EqualTo(100));
        Assert.That(r.Errors.OfType<PusherHandlerException>().Select(e => e.InnerException), Has.All.InstanceOf<InvalidOperationException>());
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(r.Reconnects, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S47_HandlerUnsubscribesAndDisposesTheClientReentrantly_NoDeadlock(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "news", "other");
        var disposed = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        r.Client.GetChannel("news")!.Bind("bye", (in PusherEvent _) =>
        {
            r.Client.Unsubscribe("news");
            r.Client.Unsubscribe("other");
            disposed.TrySetResult(r.Client.DisposeAsync().AsTask());
        });

        await r.Server.PublishAsync("news", "bye", "{}", ct);
        Task dispose = await disposed.Task.WaitAsync(ct);
        await dispose.WaitAsync(ct);

        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(r.Client.Channels, Is.Empty);
        await server.WaitForClosedAsync(ct);
        Assert.That(server.Frames.Count(f => f.Contains("pusher:unsubscribe")), Is.EqualTo(2));
    }

    [Test, CancelAfter(60_000)]
    public async Task S48_ConcurrentSubscribeUnsubscribeTrigger_DuringAReconnectStorm_FinalSetExact_EachSubscribedOncePerConnection(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.Client.ConnectAsync(ct);
        string[] keep = [.. Enumerable.Range(0, 16).Select(i => $"private-keep.{i}")];
        string[] churn = [.. Enumerable.Range(0, 16).Select(i => $"churn.{i}")];

        Task[] workers = [.. Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int round = 0; round < 40; round++)
            {
                r.Client.Subscribe(keep[(w + round) % keep.Length]);
                string c = churn[(w * 3 + round) % churn.Length];
                r.Client.Subscribe(c);
                r.Client.Unsubscribe(c);
                if (r.Client.GetChannel(keep[w]) is { IsSubscribed: true } p)
                {
                    await p.TriggerAsync("client-x", "{}", ct);
                }

                await Task.Yield();
            }
        }, ct))];

        // Sends racing a drop may fail and schedule reconnects of their own, so drive by state, not by counts.
        for (int drop = 0; drop < 5; drop++)
        {
            await EnsureConnectedAsync(r, ct);
            int before = r.Reconnects.Count;
            r.Server.Connections.FirstOrDefault(c => c.SocketId == r.Client.SocketId)?.Abort();
            await r.Changed.WaitAsync(() => r.Reconnects.Count > before, ct);
        }

        await Task.WhenAll(workers).WaitAsync(ct);
        await EnsureConnectedAsync(r, ct);
        TestConnection last = r.Server.Connections.Single(c => c.SocketId == r.Client.SocketId);
        foreach (string name in keep)
        {
            await r.Client.GetChannel(name)!.WaitForSubscriptionAsync(ct);
        }

        Assert.That(r.Client.Channels.Select(c => c.Name), Is.EquivalentTo(keep));
        for (int i = 0; i < r.SocketCount; i++)
        {
            // Churn channels are unsubscribed and subscribed again by design; a kept channel goes out once per connection.
            var subscribes = r.Socket(i).Sent.Where(s => s.Contains("pusher:subscribe") && s.Contains("private-keep")).GroupBy(s => s[s.IndexOf("\"channel\"", StringComparison.Ordinal)..]).Where(g => g.Count() > 1).Select(g => g.Key);
            Assert.That(subscribes, Is.Empty, $"connection {i}: a kept channel subscribed twice");
        }

        Assert.That(r.Errors.Select(e => e.InnerException), Has.None.InstanceOf<InvalidOperationException>(), "never two sends at once");
        foreach (string name in keep)
        {
            Assert.That(last.IsSubscribed(name), Is.True, name);
        }
    }

    /// <summary>Advances the fake clock through every pending reconnect until the client is connected (bounded).</summary>
    private static async Task EnsureConnectedAsync(Rig r, CancellationToken ct)
    {
        for (int i = 0; i < 50 && r.Client.State != ConnectionState.Connected; i++)
        {
            int seen = r.Reconnects.Count;
            r.Time.Advance(r.Reconnects.Last().Delay);
            await r.Changed.WaitAsync(() => r.Client.State == ConnectionState.Connected || r.Reconnects.Count > seen, ct);
        }

        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S49_ConcurrentConnectAndDisconnect_AreIdempotent(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);

        await Task.WhenAll(r.Client.ConnectAsync(ct), r.Client.ConnectAsync(ct), Task.Run(() => r.Client.ConnectAsync(ct), ct));
        await Task.WhenAll(r.Client.DisconnectAsync(ct), r.Client.DisconnectAsync(ct));
        await (await r.Server.WaitForConnectionAsync(0, ct)).WaitForClosedAsync(ct);

        Assert.That(r.Server.Connections, Has.Count.EqualTo(1));
        Assert.That(r.StateSequence, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected }));
        await Task.WhenAll(r.Client.DisposeAsync().AsTask(), r.Client.DisposeAsync().AsTask());
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S49_DisposeRacingConnect_NeverLeavesAClientConnectedAfterDispose(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        for (int i = 0; i < 20; i++)
        {
            await using var client = new PusherClient(r.Client.Options);
            Task connect = Task.Run(() => client.ConnectAsync(ct), ct);
            await client.DisposeAsync();
            try
            {
                await connect.WaitAsync(ct);
            }
            catch (Exception e) when (e is ObjectDisposedException or PusherConnectionException)
            {
                // either outcome is fine; what matters is the state afterwards
            }

            Assert.That(client.State, Is.AnyOf(ConnectionState.Disconnected, ConnectionState.Initialized), $"round {i}");
        }

        r.Time.Advance(TimeSpan.FromMinutes(5)); // any leaked supervisor would reconnect now
        foreach (TestConnection c in r.Server.Connections)
        {
            await c.WaitForClosedAsync(ct);
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task S50_DisposeDuringTheBackoffDelay_CancelsIt_NoFurtherAttempt_NoUnobservedTaskException(CancellationToken ct)
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? s, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        // Earlier tests' garbage is finalized first: their unobserved tasks must not be counted against this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await using Rig r = await Rig.StartAsync(ct: ct);
            r.Proxy.RefuseConnections = true;
            Task connecting = r.Client.ConnectAsync(ct);
            await r.WaitForReconnectAsync(1, ct);
            int accepted = r.Proxy.AcceptedCount;

            await r.Client.DisposeAsync();
            r.Time.Advance(TimeSpan.FromMinutes(10));

            Assert.That(r.Proxy.AcceptedCount, Is.EqualTo(accepted));
            Assert.That(r.Reconnects, Has.Count.EqualTo(1));
            await Assert.ThrowsAsync<PusherConnectionException>(() => connecting);
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.That(unobserved, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S51_ThirtyForcedReconnects_EveryEventWhileConnectedDeliveredOnce_InOrder_MemoryFlat(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.ConnectAndSubscribeAsync(ct, "private-v1.users.685");
        var seen = new ConcurrentQueue<int>();
        using var got = new SemaphoreSlim(0);
        r.Client.GetChannel("private-v1.users.685")!.Bind("seq", (in PusherEvent e) =>
        {
            seen.Enqueue(int.Parse(e.GetDataString(), CultureInfo.InvariantCulture));
            got.Release();
        });
        int next = 0;
        long memory = 0;

        for (int cycle = 0; cycle < 30; cycle++)
        {
            TestConnection connection = await r.Server.WaitForConnectionAsync(cycle, ct);
            await connection.WaitForSubscriptionAsync("private-v1.users.685", ct);
            for (int i = 0; i < 20; i++)
            {
                await connection.SendEventAsync("seq", "private-v1.users.685", S(next++), ct);
            }

            for (int i = 0; i < 20; i++)
            {
                await got.WaitAsync(ct);
            }

            if (cycle == 5)
            {
                memory = GC.GetTotalMemory(forceFullCollection: true);
            }

            r.Time.Advance(r.Client.Options.Reconnect.ResetAfter); // healthy long enough: the next delay is 1 s again
            r.Proxy.ResetAll();
            await r.AdvanceThroughReconnectAsync(cycle + 1, ct);
        }

        await (await r.Server.WaitForConnectionAsync(30, ct)).WaitForSubscriptionAsync("private-v1.users.685", ct);
        long grown = GC.GetTotalMemory(forceFullCollection: true) - memory;
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 600)), "no loss, no duplicate while connected");
        Assert.That(r.Reconnects.Select(x => x.Delay), Has.All.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(grown, Is.LessThan(4 * 1024 * 1024), "24 reconnect cycles leave nothing behind");
        Assert.That(r.Server.AuthRequests, Has.Count.EqualTo(31));
    }

    [Test, Explicit("Soak: 1000 reconnect cycles, ~2-3 minutes on 2 cores; not part of CI.")]
    [CancelAfter(600_000)]
    public async Task S51_Soak_ThousandReconnectCycles(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.ConnectAndSubscribeAsync(ct, "news");
        long memory = 0;
        for (int cycle = 0; cycle < 1000; cycle++)
        {
            TestConnection connection = await r.Server.WaitForConnectionAsync(cycle, ct);
            await connection.WaitForSubscriptionAsync("news", ct);
            if (cycle == 50)
            {
                memory = GC.GetTotalMemory(forceFullCollection: true);
            }

            r.Time.Advance(TimeSpan.FromSeconds(30));
            r.Proxy.ResetAll();
            await r.AdvanceThroughReconnectAsync(cycle + 1, ct);
        }

        Assert.That(GC.GetTotalMemory(forceFullCollection: true) - memory, Is.LessThan(16 * 1024 * 1024));
    }

    [Test]
    public void S18_BackoffJitter_SpreadsTenThousandClientsAcrossTheWindow()
    {
        var random = new Random(20261124);
        var policy = new ReconnectPolicy { RandomSource = random.NextDouble };
        double[] delays = [.. Enumerable.Range(0, 10_000).Select(_ => policy.GetDelay(3, immediate: false).TotalSeconds)];

        Assert.That(delays, Has.All.InRange(4.0, 8.0), "attempt 3: nominal 8 s, up to 50 % jitter off");
        int[] buckets = new int[8];
        foreach (double d in delays)
        {
            buckets[Math.Min(7, (int)((d - 4) / 0.5))]++;
        }

        Assert.That(buckets, Has.All.InRange(1000, 1500), "roughly uniform: no synchronized wave");
        Assert.That(new ReconnectPolicy { RandomSource = () => 0.999 }.GetDelay(0, immediate: true), Is.EqualTo(TimeSpan.Zero));
        Assert.That(policy.GetDelay(100, immediate: false), Is.LessThanOrEqualTo(TimeSpan.FromSeconds(30)));
    }
}
