using System.Net;
using System.Net.Sockets;
using System.Text;
using PusherWire.Internal;

namespace PusherWire.Tests.Core;

/// <summary>The stream under the default socket when the connection has its own receive thread, over a loopback pair.</summary>
public class ReceiveThreadStreamTests
{
    [Test, CancelAfter(60_000)]
    public async Task AReadFromAnotherThread_IsDoneByTheReceiveThread_WhichThenCarriesTheCallerOn(CancellationToken ct)
    {
        (ReceiveThreadStream stream, Socket peer, Socket listener) = await ConnectPairAsync(ct);
        using (listener)
        using (peer)
        await using (stream)
        {
            int idle = 0;
            using var waiting = new SemaphoreSlim(0);
            var seen = new List<(string What, string? Thread, bool Pool)>();
            await peer.SendAsync("a"u8.ToArray(), ct);

            Task<string> loop = stream.RunReceiveThread(async () =>
            {
                var buffer = new byte[16];
                int n = await stream.ReadAsync(buffer, ct);
                Record("first " + Encoding.ASCII.GetString(buffer, 0, n));
                await Task.Yield(); // leaves the receive thread for the pool, as an async handler's await does
                Record("after yield");
                n = await stream.ReadAsync(buffer, ct);
                Record("second " + Encoding.ASCII.GetString(buffer, 0, n));
                return "done";
            }, () =>
            {
                Interlocked.Increment(ref idle);
                waiting.Release();
            });

            await waiting.WaitAsync(ct); // the receive thread is about to wait for the next bytes
            await peer.SendAsync("b"u8.ToArray(), ct);

            Assert.That(await loop.WaitAsync(ct), Is.EqualTo("done"));
            Assert.That(seen.Select(s => s.What), Is.EqualTo(new[] { "first a", "after yield", "second b" }));
            Assert.That(seen[0].Thread, Is.EqualTo("PusherWire receive"));
            Assert.That(seen[1].Pool, Is.True, "Task.Yield should have moved the loop to the pool");
            Assert.That(seen[2].Thread, Is.EqualTo("PusherWire receive"), "the hand-back did not continue on the receive thread");
            Assert.That(idle, Is.EqualTo(1), "told idle once per wait, and only when a read had to wait");

            void Record(string what) => seen.Add((what, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task Dispose_WakesAReadWaitingForTheNetwork(CancellationToken ct)
    {
        (ReceiveThreadStream stream, Socket peer, Socket listener) = await ConnectPairAsync(ct);
        using (listener)
        using (peer)
        {
            using var waiting = new SemaphoreSlim(0);
            Task<int> loop = stream.RunReceiveThread(async () => await stream.ReadAsync(new byte[16], ct), () => waiting.Release());
            await waiting.WaitAsync(ct);

            stream.Dispose();

            Exception? error = null;
            try
            {
                await loop.WaitAsync(ct);
            }
            catch (Exception e) when (e is ObjectDisposedException or IOException)
            {
                error = e;
            }

            Assert.That(error, Is.Not.Null, "a read on a disposed stream must fail, not return data");
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task PeerClose_EndsTheReadWithZero_AndBufferedBytesComeFirst(CancellationToken ct)
    {
        (ReceiveThreadStream stream, Socket peer, Socket listener) = await ConnectPairAsync(ct);
        using (listener)
        await using (stream)
        {
            await peer.SendAsync(Encoding.ASCII.GetBytes("hello world"), ct);
            peer.Shutdown(SocketShutdown.Send);
            Task<string> loop = stream.RunReceiveThread(async () =>
            {
                var text = new StringBuilder();
                var buffer = new byte[4]; // smaller than what arrives: the rest is served from the stream's buffer
                int n;
                while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                {
                    text.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                return text.ToString();
            }, () => { });

            Assert.That(await loop.WaitAsync(ct), Is.EqualTo("hello world"));
            peer.Dispose();
        }
    }

    private static async Task<(ReceiveThreadStream Stream, Socket Peer, Socket Listener)> ConnectPairAsync(CancellationToken ct)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        ValueTask<Socket> accept = listener.AcceptAsync(ct);
        ReceiveThreadStream stream = await ReceiveThreadStream.ConnectAsync(new DnsEndPoint("127.0.0.1", port), ct);
        return (stream, await accept, listener);
    }
}
