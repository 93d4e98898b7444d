using System.Globalization;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// Slow consumers (catalogue 46): the server produces as fast as it can while a <c>ReadAllAsync</c> reader is stuck.
/// Bounded memory, drop counting with one warning per episode, and lossless TCP backpressure with <c>Wait</c>.
/// </summary>
public class SlowConsumerTests
{
    private const string Channel = "news";

    [TestCase(ReaderOverflowPolicy.DropOldest)]
    [TestCase(ReaderOverflowPolicy.DropNewest)]
    [CancelAfter(60_000)]
    public async Task S46_DropPolicy_StuckReader_QueueStaysAtCapacity_EveryDropCounted_OneWarningPerEpisode(ReaderOverflowPolicy policy, CancellationToken ct)
    {
        const int capacity = 100, total = 2000;
        await using Rig r = await Rig.StartAsync(configure: o => o with { ReaderQueueCapacity = capacity, ReaderOverflow = policy }, ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, Channel);
        int routed = 0;
        r.Client.GetChannel(Channel)!.BindAll((in PusherEvent e) =>
        {
            if (e.GetEventName() == "seq")
            {
                Interlocked.Increment(ref routed);
                r.Changed.Pulse();
            }
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var read = new List<int>();
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task reader = StartReader(r.Client.GetChannel(Channel)!.ReadAllAsync(stopReading.Token), async m =>
        {
                read.Add(Seq(m.DataAsString));
                firstRead.TrySetResult();
                await gate.Task; // stuck after the first event
                r.Changed.Pulse();
        });
        string pad = new('p', 10_000);
        long before = GC.GetTotalMemory(forceFullCollection: true);

        await server.SendEventAsync("seq", Channel, "0", ct);
        await firstRead.Task.WaitAsync(ct);
        for (int i = 1; i < total; i++)
        {
            await server.SendRawAsync(PusherTestServer.EncodeEvent(Channel, "seq", S(i) + " " + pad), System.Net.WebSockets.WebSocketMessageType.Text, ct);
        }

        await r.Changed.WaitAsync(() => Volatile.Read(ref routed) == total, ct);
        long retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        gate.SetResult();
        await r.Changed.WaitAsync(() => read.Count == capacity + 1, ct);
        await stopReading.CancelAsync();
        await reader.WaitAsync(ct).ContinueWith(_ => { }, TaskScheduler.Default);

        int[] expected = policy == ReaderOverflowPolicy.DropOldest
            ? [0, .. Enumerable.Range(total - capacity, capacity)]
            : [.. Enumerable.Range(0, capacity + 1)];
        Assert.That(read, Is.EqualTo(expected));
        Assert.That(r.Client.DroppedEvents, Is.EqualTo(total - capacity - 1));
        Assert.That(r.Errors.OfType<PusherSlowConsumerException>().Count(), Is.EqualTo(1), "one warning per episode");
        Assert.That(r.Errors.OfType<PusherSlowConsumerException>().Single().Policy, Is.EqualTo(policy));
        Assert.That(retained, Is.LessThan(6 * 1024 * 1024), "20 MB produced, ~1 MB (capacity x 10 KB) kept");
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S46_DropPolicy_ASecondEpisode_WarnsAgain(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(configure: o => o with { ReaderQueueCapacity = 4 }, ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, Channel);
        var gates = new[] { new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        int read = 0;
        int routed = 0;
        r.Client.GetChannel(Channel)!.Bind("seq", (in PusherEvent _) =>
        {
            Interlocked.Increment(ref routed);
            r.Changed.Pulse();
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task reader = StartReader(r.Client.GetChannel(Channel)!.ReadAllAsync(stop.Token), async _ =>
        {
                int n = Interlocked.Increment(ref read);
                r.Changed.Pulse();
                if (n == 1)
                {
                    await gates[0].Task;
                }
                else if (n == 6)
                {
                    await gates[1].Task;
                }
        });

        // Each episode: one event the reader takes and then sits on, then 19 more while it is stuck (4 fit, 15 drop).
        await server.SendEventAsync("seq", Channel, S(0), ct);
        await r.Changed.WaitAsync(() => read == 1, ct);
        for (int i = 1; i < 20; i++)
        {
            await server.SendEventAsync("seq", Channel, S(i), ct);
        }

        await r.Changed.WaitAsync(() => routed == 20, ct);
        gates[0].SetResult(); // catches up: 4 queued events read, queue empty, episode over
        await r.Changed.WaitAsync(() => read == 5, ct);
        await server.SendEventAsync("seq", Channel, S(20), ct);
        await r.Changed.WaitAsync(() => read == 6, ct);
        for (int i = 21; i < 40; i++)
        {
            await server.SendEventAsync("seq", Channel, S(i), ct);
        }

        await r.Changed.WaitAsync(() => routed == 40 && read == 6, ct);
        gates[1].SetResult();
        await stop.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(ct);

        Assert.That(r.Errors.OfType<PusherSlowConsumerException>().Count(), Is.EqualTo(2));
        Assert.That(r.Client.DroppedEvents, Is.EqualTo(15 + 15));
    }

    [Test, CancelAfter(60_000)]
    public async Task S46_WaitPolicy_IsLossless_TheClientNeverHoldsMoreThanTheQueue(CancellationToken ct)
    {
        const int capacity = 10, total = 3000;
        await using Rig r = await Rig.StartAsync(configure: o => o with { ReaderQueueCapacity = capacity, ReaderOverflow = ReaderOverflowPolicy.Wait }, ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, Channel);
        int routed = 0, consumed = 0, maxLag = 0;
        r.Client.GetChannel(Channel)!.Bind("seq", (in PusherEvent _) =>
        {
            int lag = Interlocked.Increment(ref routed) - Volatile.Read(ref consumed);
            if (lag > maxLag)
            {
                maxLag = lag;
            }

            r.Changed.Pulse();
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var read = new List<int>(total);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task reader = StartReader(r.Client.GetChannel(Channel)!.ReadAllAsync(stop.Token), async m =>
        {
                read.Add(Seq(m.DataAsString));
                Interlocked.Increment(ref consumed);
                await gate.Task;
                if (read.Count == total)
                {
                    r.Changed.Pulse();
                }
        });
        string pad = new('w', 1000);

        Task producer = Task.Run(async () =>
        {
            for (int i = 0; i < total; i++)
            {
                await server.SendRawAsync(PusherTestServer.EncodeEvent(Channel, "seq", S(i) + " " + pad), System.Net.WebSockets.WebSocketMessageType.Text, ct);
            }
        }, ct);
        await r.Changed.WaitAsync(() => Volatile.Read(ref routed) >= capacity + 2, ct); // queue full, receive loop waiting
        int routedWhileStuck = Volatile.Read(ref routed);
        gate.SetResult();
        await producer.WaitAsync(ct);
        await r.Changed.WaitAsync(() => read.Count == total, ct);
        await stop.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(ct);

        Assert.That(read, Is.EqualTo(Enumerable.Range(0, total)), "nothing lost, nothing twice, in order");
        Assert.That(r.Client.DroppedEvents, Is.Zero);
        Assert.That(r.Errors.OfType<PusherSlowConsumerException>(), Is.Empty);
        Assert.That(maxLag, Is.LessThanOrEqualTo(capacity + 2), "routed - consumed never exceeds the queue (+1 in hand, +1 waiting)");
        Assert.That(routedWhileStuck, Is.LessThanOrEqualTo(capacity + 2));
    }

    [Test, CancelAfter(60_000)]
    public async Task S46_WaitPolicy_AReaderThatNeverReadsAgain_DoesNotHangDisposeAsync(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(configure: o => o with { ReaderQueueCapacity = 2, ReaderOverflow = ReaderOverflowPolicy.Wait }, ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, Channel);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int routed = 0, read = 0;
        r.Client.GetChannel(Channel)!.Bind("seq", (in PusherEvent _) =>
        {
            Interlocked.Increment(ref routed);
            r.Changed.Pulse();
        });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reader = StartReader(r.Client.GetChannel(Channel)!.ReadAllAsync(CancellationToken.None), async _ =>
        {
                Interlocked.Increment(ref read);
                started.TrySetResult();
                await never.Task; // a consumer that hangs (until the end of the test)
        });
        for (int i = 0; i < 50; i++)
        {
            await server.SendEventAsync("seq", Channel, S(i), ct);
        }

        await started.Task.WaitAsync(ct);
        // 1 in the reader's hands + 2 queued + the 4th routed to callbacks, its queue write blocking the parse loop.
        await r.Changed.WaitAsync(() => Volatile.Read(ref routed) >= 4, ct);
        Assert.That(Volatile.Read(ref routed), Is.LessThan(50), "the parse loop is held by the full queue");

        // No clock advance: disposing ends the readers first, which frees the parse loop, so the close handshake
        // completes at once (it used to wait for CloseTimeout, and forever on a clock nobody advanced).
        await r.Client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20), ct);

        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(r.Socket(0).CloseCalls, Is.GreaterThanOrEqualTo(1), "a polite close, not an abort at the deadline");
        never.SetResult();
        await reader.WaitAsync(ct); // the reader gets what was queued, then its enumeration ends
        Assert.That(Volatile.Read(ref read), Is.EqualTo(3), "the one in hand and the two queued; nothing after disposal");
    }

    [Test, CancelAfter(60_000)]
    public async Task S46_WaitPolicy_DisconnectWithAStuckReader_CompletesAtCloseTimeout_TheReaderSurvives(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(configure: o => o with { ReaderQueueCapacity = 1, ReaderOverflow = ReaderOverflowPolicy.Wait }, ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, Channel);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int routed = 0;
        r.Client.GetChannel(Channel)!.Bind("seq", (in PusherEvent _) =>
        {
            Interlocked.Increment(ref routed);
            r.Changed.Pulse();
        });
        var got = new List<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task reader = StartReader(r.Client.GetChannel(Channel)!.ReadAllAsync(stop.Token), async m =>
        {
                lock (got)
                {
                    got.Add(Seq(m.DataAsString));
                }

                started.TrySetResult();
                r.Changed.Pulse();
                await gate.Task;
        });
        for (int i = 0; i < 10; i++)
        {
            await server.SendEventAsync("seq", Channel, S(i), ct);
        }

        await started.Task.WaitAsync(ct);
        await r.Changed.WaitAsync(() => Volatile.Read(ref routed) >= 3, ct); // 1 in hand, 1 queued, the 3rd blocked

        Task disconnect = r.Client.DisconnectAsync(ct);
        await r.Changed.WaitAsync(() => r.Socket(0).CloseCalls >= 1, ct); // the close timeout is armed
        r.Time.Advance(r.Client.Options.CloseTimeout);
        await disconnect.WaitAsync(TimeSpan.FromSeconds(20), ct);
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));

        // The reader belongs to the client, not to the connection: after a reconnect it reads on.
        gate.SetResult();
        await r.Changed.WaitAsync(() => { lock (got) { return got.Count >= 2; } }, ct);
        int index = r.Server.Connections.Count;
        await r.Client.ConnectAsync(ct);
        TestConnection second = await r.Server.WaitForConnectionAsync(index, ct);
        await second.WaitForSubscriptionAsync(Channel, ct);
        await second.SendEventAsync("seq", Channel, "100", ct);
        await r.Changed.WaitAsync(() => { lock (got) { return got.Contains(100); } }, ct);
        await stop.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(ct);
        lock (got)
        {
            Assert.That(got.Take(2), Is.EqualTo(new[] { 0, 1 }), "in order; what was still in the pipe at the close is not delivered");
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task S46_ACallbackThatNeverReturns_DoesNotHoldDisposeAsyncPastCloseTimeout(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, Channel);
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        r.Client.GetChannel(Channel)!.Bind("stuck", (in PusherEvent _) =>
        {
            entered.TrySetResult();
            release.Wait(ct); // blocks the parse loop until the end of the test
        });
        await server.SendEventAsync("stuck", Channel, "{}", ct);
        await entered.Task.WaitAsync(ct);

        Task dispose = r.Client.DisposeAsync().AsTask();
        await r.Changed.WaitAsync(() => r.Socket(0).CloseCalls >= 1, ct); // the close timeout is armed
        r.Time.Advance(r.Client.Options.CloseTimeout);
        await dispose.WaitAsync(TimeSpan.FromSeconds(20), ct);

        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        release.Set();
        r.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(r.Reconnects, Is.Empty, "the supervisor left behind stops once the callback returns");
        Assert.That(r.Proxy.AcceptedCount, Is.EqualTo(1));
    }

    private static string S(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts a reader whose queue exists when this returns: ReadAllAsync registers on the first MoveNextAsync, so
    /// events published right after are never missed (a Task.Run loop would race the first events).
    /// </summary>
    private static Task StartReader(IAsyncEnumerable<PusherMessage> messages, Func<PusherMessage, Task> onMessage)
    {
        IAsyncEnumerator<PusherMessage> e = messages.GetAsyncEnumerator();
        ValueTask<bool> first = e.MoveNextAsync();
        return RunAsync(e, first, onMessage);

        static async Task RunAsync(IAsyncEnumerator<PusherMessage> e, ValueTask<bool> first, Func<PusherMessage, Task> onMessage)
        {
            try
            {
                for (bool more = await first; more; more = await e.MoveNextAsync())
                {
                    // Only the test's events: the subscription's own pusher:subscription_succeeded can still reach a
                    // reader started right after WaitForSubscriptionAsync returned (the parse loop dispatches it to
                    // readers just after it completes that wait), and it is no numbered event.
                    if (e.Current.EventName == "seq")
                    {
                        await onMessage(e.Current);
                    }
                }
            }
            finally
            {
                await e.DisposeAsync();
            }
        }
    }

    private static int Seq(string data)
    {
        int space = data.IndexOf(' ', StringComparison.Ordinal);
        return int.Parse(space < 0 ? data : data[..space], CultureInfo.InvariantCulture);
    }
}
