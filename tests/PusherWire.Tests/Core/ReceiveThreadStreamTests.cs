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

    [Test, CancelAfter(60_000)]
    public async Task MessagesReadOnTheReceiveThread_QueueNoWorkToThePool(CancellationToken ct)
    {
        // The socket must never be registered with the runtime's epoll thread: once it is, every arriving segment wakes
        // that thread, which queues a work item to the pool (measured: ten context switches per message).
        const int messages = 1_000;
        (ReceiveThreadStream stream, Socket peer, Socket listener) = await ConnectPairAsync(ct);
        using (listener)
        using (peer)
        await using (stream)
        {
            // A handshake as the HTTP upgrade's: a request written, a response that has to be waited for, a message sent.
            await stream.WriteAsync("request"u8.ToArray(), ct);
            ValueTask<int> handshake = stream.ReadAsync(new byte[16], ct);
            await peer.SendAsync("h"u8.ToArray(), ct);
            Assert.That(await handshake, Is.EqualTo(1));
            await stream.WriteAsync("subscribe"u8.ToArray(), ct);

            using var idle = new SemaphoreSlim(0);
            Task<int> loop = stream.RunReceiveThread(async () =>
            {
                var buffer = new byte[16];
                int total = 0;
                while (total < messages)
                {
                    total += await stream.ReadAsync(buffer, ct);
                }

                return total;
            }, () => idle.Release());

            // Synchronous on this thread: the test itself must not put work on the pool either.
            idle.Wait(ct);
            long before = ThreadPool.CompletedWorkItemCount;
            for (int i = 0; i < messages - 1; i++)
            {
                peer.Send("m"u8);
                idle.Wait(ct); // read, and waiting again: the next byte is a separate arrival
            }

            long queued = ThreadPool.CompletedWorkItemCount - before;
            peer.Send("m"u8);
            Assert.That(await loop.WaitAsync(ct), Is.EqualTo(messages));
            Assert.That(queued, Is.LessThan(messages / 10), $"{queued} pool work items for {messages - 1} separate arrivals");
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task HandshakeReads_AreServedByTheThread_AndContinueOnThePool_WritesGoOut(CancellationToken ct)
    {
        (ReceiveThreadStream stream, Socket peer, Socket listener) = await ConnectPairAsync(ct);
        using (listener)
        using (peer)
        await using (stream)
        {
            await stream.WriteAsync("hello"u8.ToArray(), ct);
            var echo = new byte[5];
            Assert.That(await peer.ReceiveAsync(echo, ct), Is.EqualTo(5));
            Assert.That(Encoding.ASCII.GetString(echo), Is.EqualTo("hello"));

            ValueTask<int> read = stream.ReadAsync(new byte[16], ct); // nothing there yet: the thread waits for it
            await peer.SendAsync("x"u8.ToArray(), ct);
            Assert.That(await read, Is.EqualTo(1));
            Assert.That(Thread.CurrentThread.IsThreadPoolThread, Is.True, "a handshake read's continuation belongs on the pool");
            Assert.That(Thread.CurrentThread.Name, Is.Not.EqualTo("PusherWire receive"));
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task Dispose_BeforeTheReceiveLoop_EndsTheThread(CancellationToken ct)
    {
        (ReceiveThreadStream stream, Socket peer, Socket listener) = await ConnectPairAsync(ct);
        using (listener)
        using (peer)
        {
            Thread thread = stream.Thread;
            Assert.That(thread.IsAlive, Is.True);

            stream.Dispose();

            Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, "the connection's thread outlived its stream");
        }
    }

    [Test, CancelAfter(60_000)]
    public void Connect_ToAClosedPort_FailsWithTheSocketError(CancellationToken ct)
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port; // bound, never listening: refused
        }

        Assert.That(async () => await ReceiveThreadStream.ConnectAsync(new DnsEndPoint("127.0.0.1", port), ct),
            Throws.InstanceOf<SocketException>().With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.ConnectionRefused));
    }

    [Test, CancelAfter(60_000)]
    public void Connect_WithACancelledToken_IsCancelled(CancellationToken ct)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(async () => await ReceiveThreadStream.ConnectAsync(new DnsEndPoint("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port), cancelled.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test, CancelAfter(60_000)]
    public async Task Connect_ByName_TriesEachAddress(CancellationToken ct)
    {
        // "localhost" may resolve to ::1 first; the listener is IPv4 only, so an attempt on ::1 is refused and the next
        // address is tried, as the runtime's own connect does.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        ValueTask<Socket> accept = listener.AcceptAsync(ct);
        await using ReceiveThreadStream stream = await ReceiveThreadStream.ConnectAsync(new DnsEndPoint("localhost", ((IPEndPoint)listener.LocalEndPoint!).Port), ct);
        using Socket peer = await accept;
        Assert.That(peer.Connected, Is.True);
    }

    [Test, CancelAfter(60_000)]
    public async Task Tls_HandshakeThroughTheThread_ThenRecordsReadOnIt(CancellationToken ct)
    {
        // wss:// in production: SslStream's handshake reads come from the pool (served by the thread), its record reads
        // from the receive loop on the thread.
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        (ReceiveThreadStream stream, Socket peer, Socket listener) = await ConnectPairAsync(ct);
        using (listener)
        using (peer)
        await using (var server = new System.Net.Security.SslStream(new NetworkStream(peer, ownsSocket: false)))
        await using (var client = new System.Net.Security.SslStream(stream, leaveInnerStreamOpen: false,
            (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString()))
        {
            Task serverHandshake = server.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
            }, ct);
            await client.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost" }, ct);
            await serverHandshake;

            using var idle = new SemaphoreSlim(0);
            Task<string> loop = stream.RunReceiveThread(async () =>
            {
                var buffer = new byte[64];
                int n = await client.ReadAsync(buffer, ct);
                return $"{Thread.CurrentThread.Name}: {Encoding.ASCII.GetString(buffer, 0, n)}";
            }, () => idle.Release());
            await idle.WaitAsync(ct);
            await server.WriteAsync("over tls"u8.ToArray(), ct);

            Assert.That(await loop.WaitAsync(ct), Is.EqualTo("PusherWire receive: over tls"));
            await client.WriteAsync("back"u8.ToArray(), ct);
            var back = new byte[4];
            await server.ReadExactlyAsync(back, ct);
            Assert.That(Encoding.ASCII.GetString(back), Is.EqualTo("back"));
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
