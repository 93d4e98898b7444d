using System.Collections.Concurrent;
using PusherWire.Testing;

namespace PusherWire.Tests.Integration;

/// <summary>
/// PusherOptions.DedicatedReceiveThread: the default socket is read, parsed and routed on a thread of the connection's
/// own; with it off, on the thread pool. Both over real loopback sockets to the embedded server.
/// </summary>
public class ReceiveThreadTests
{
    private const string ReceiveThreadName = "PusherWire receive";

    [Test, CancelAfter(60_000)]
    public async Task ByDefault_CallbacksRunOnTheConnectionsOwnThread_NotThePool(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        var threads = new ConcurrentQueue<(string? Name, bool Pool)>();
        using var got = new SemaphoreSlim(0);
        h.Client.Subscribe("news").Bind("e", (in PusherEvent _) =>
        {
            threads.Enqueue((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
            got.Release();
        });
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);

        for (int i = 0; i < 3; i++)
        {
            await server.SendEventAsync("e", "news", "{}", ct);
            await got.WaitAsync(ct);
        }

        Assert.That(threads, Has.All.EqualTo((ReceiveThreadName, false)));
    }

    [Test, CancelAfter(60_000)]
    public async Task TurnedOff_CallbacksRunOnThePool_AndReceiveIdleStillFollowsEachBurst(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { DedicatedReceiveThread = false }, ct: ct);
        var pool = new ConcurrentQueue<bool>();
        int seen = 0;
        var idleAfterAll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Client.Subscribe("news").Bind("e", (in PusherEvent _) =>
        {
            pool.Enqueue(Thread.CurrentThread.IsThreadPoolThread && Thread.CurrentThread.Name != ReceiveThreadName);
            Interlocked.Increment(ref seen);
        });
        h.Client.ReceiveIdle += (_, _) =>
        {
            if (Volatile.Read(ref seen) == 4)
            {
                idleAfterAll.TrySetResult();
            }
        };
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);

        for (int i = 0; i < 4; i++)
        {
            await server.SendEventAsync("e", "news", "{}", ct);
        }

        await idleAfterAll.Task.WaitAsync(ct);
        Assert.That(pool, Has.Count.EqualTo(4).And.All.True);
    }

    [Test, CancelAfter(60_000)]
    public async Task AfterTheLoopWaitsOffThread_ForAFullReader_ItComesBackToTheReceiveThread(CancellationToken ct)
    {
        // A Wait-policy reader with room for one event: the second event makes the receive loop await the reader on the
        // pool. Its next socket read is then handed back to the receive thread, which carries the loop on from there.
        await using ClientHarness h = await ClientHarness.StartAsync(
            configure: o => o with { ReaderOverflow = ReaderOverflowPolicy.Wait, ReaderQueueCapacity = 1 }, ct: ct);
        PusherChannel channel = h.Client.Subscribe("news");
        var callbackThreads = new ConcurrentQueue<string?>();
        using var got = new SemaphoreSlim(0);
        channel.Bind("e", (in PusherEvent _) =>
        {
            callbackThreads.Enqueue(Thread.CurrentThread.Name);
            got.Release();
        });
        await using IAsyncEnumerator<PusherMessage> reader = channel.ReadAllAsync(ct).GetAsyncEnumerator(ct);
        ValueTask<bool> first = reader.MoveNextAsync(); // a reader queues events from its first MoveNextAsync on
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);

        for (int i = 0; i < 4; i++)
        {
            await server.SendEventAsync("e", "news", $"{{\"n\":{i}}}", ct);
        }

        var read = new List<string>();
        bool started = false;
        while (read.Count < 4)
        {
            Assert.That(started ? await reader.MoveNextAsync() : await first, Is.True);
            started = true;
            if (reader.Current.EventName == "e") // the reader also hears pusher_internal:subscription_succeeded
            {
                read.Add(System.Text.Encoding.UTF8.GetString(reader.Current.Data.Span));
            }
        }

        for (int i = 0; i < 4; i++)
        {
            await got.WaitAsync(ct);
        }

        // Every event got through, in order, although the loop was parked on the full reader in between.
        Assert.That(read, Is.EqualTo(Enumerable.Range(0, 4).Select(i => $"{{\"n\":{i}}}")));
        Assert.That(callbackThreads, Has.Count.EqualTo(4));
        Assert.That(callbackThreads.First(), Is.EqualTo(ReceiveThreadName));

        // Having resumed on the pool, the loop finishes what was already buffered there; its next read of the network
        // is handed back to the receive thread, so the next event is routed on it again.
        // (A read the pool thread finds already answered is taken there; the one after it is the receive thread's.)
        bool back = false;
        for (int n = 4; n < 8 && !back; n++)
        {
            await server.SendEventAsync("e", "news", $"{{\"n\":{n}}}", ct);
            await got.WaitAsync(ct);
            back = callbackThreads.Last() == ReceiveThreadName;
            Assert.That(await reader.MoveNextAsync(), Is.True); // keep the one-slot reader drained
            Assert.That(reader.Current.EventName, Is.EqualTo("e"));
        }

        Assert.That(back, Is.True, "the loop never came back to the receive thread: " + string.Join(", ", callbackThreads));
    }

    [Test, CancelAfter(60_000)]
    public async Task DisposeAsync_EndsTheReceiveThread(CancellationToken ct)
    {
        ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        Thread? receiveThread = null;
        using var got = new SemaphoreSlim(0);
        h.Client.Subscribe("news").Bind("e", (in PusherEvent _) =>
        {
            receiveThread = Thread.CurrentThread;
            got.Release();
        });
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("news", ct);
        await server.SendEventAsync("e", "news", "{}", ct);
        await got.WaitAsync(ct);

        // The thread is now waiting in poll for the next message: disposing must wake it and let it end.
        await h.DisposeAsync();

        Assert.That(receiveThread, Is.Not.Null);
        Assert.That(receiveThread!.Join(TimeSpan.FromSeconds(30)), Is.True, "the receive thread outlived DisposeAsync");
    }
}
