using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// An in-process TCP relay on 127.0.0.1 between the client and a server, with Toxiproxy-style faults ("toxics") that a
/// test switches on and off while traffic flows:
/// <list type="bullet">
/// <item>latency per direction (pipelined: each chunk leaves no earlier than its arrival + latency, like Toxiproxy's latency toxic),</item>
/// <item>a downstream bandwidth cap and a slicer (at most N bytes per TCP write, so frames arrive in pieces),</item>
/// <item>stall: stop reading and forwarding in both directions while keeping both sockets open (half-open, silent peer,
///       TCP backpressure on the sender),</item>
/// <item>abrupt reset (RST both ways), cutting each new connection after N server→client bytes (mid-frame),</item>
/// <item>refusing new connections (accept + RST) and black-holing them (accept, then never answer).</item>
/// </list>
/// A graceful close (FIN) on one side is passed on as a FIN, so a close frame sent just before it is never lost to an RST.
/// Loopback only; every task it starts is awaited by <see cref="DisposeAsync"/>.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int ChunkSize = 16 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Link> _links = new();
    private readonly ConcurrentDictionary<int, Task> _relays = new();
    private readonly ConcurrentBag<TcpClient> _blackholed = [];
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private TaskCompletionSource _resume = Completed();
    private TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stalled;
    private int _nextId;
    private long _downstreamBytes;
    private long _upstreamBytes;

    /// <param name="targetHost">The server's address.</param>
    /// <param name="targetPort">The server's port.</param>
    /// <param name="clientReceiveBufferSize">
    /// A fixed receive buffer for the client-facing sockets (no autotuning): a stalled proxy then pushes back on the
    /// client after a few KiB instead of the tens of MiB Linux loopback autotuning allows.
    /// </param>
    public FaultProxy(string targetHost, int targetPort, int? clientReceiveBufferSize = null)
    {
        _target = new IPEndPoint(IPAddress.Parse(targetHost), targetPort);
        if (clientReceiveBufferSize is { } size)
        {
            _listener.Server.ReceiveBufferSize = size;
        }

        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Host { get; } = IPAddress.Loopback.ToString();

    public int Port { get; }

    /// <summary>Server→client delay per chunk.</summary>
    public TimeSpan DownstreamLatency { get; set; }

    /// <summary>Client→server delay per chunk.</summary>
    public TimeSpan UpstreamLatency { get; set; }

    /// <summary>Server→client bytes per second; 0 = unlimited.</summary>
    public int DownstreamBytesPerSecond { get; set; }

    /// <summary>Server→client bytes per TCP write (Toxiproxy's slicer); 0 = whole chunks.</summary>
    public int DownstreamSliceSize { get; set; }

    /// <summary>Stop reading and forwarding in both directions, sockets kept open (a half-open, silent peer).</summary>
    public bool Stalled
    {
        get
        {
            lock (_gate)
            {
                return _stalled;
            }
        }
        set
        {
            TaskCompletionSource? release = null;
            lock (_gate)
            {
                if (_stalled == value)
                {
                    return;
                }

                _stalled = value;
                if (value)
                {
                    _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                else
                {
                    release = _resume;
                }
            }

            release?.TrySetResult();
        }
    }

    /// <summary>New connections are accepted and reset at once (connection refused, as far as the client can tell).</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>New connections are accepted and then never answered (no upstream, no bytes, no close).</summary>
    public bool BlackholeConnections { get; set; }

    /// <summary>When set, each new connection forwards only this many server→client bytes, then is reset.</summary>
    public long? CutDownstreamAfterBytes { get; set; }

    /// <summary>Connections accepted so far (relayed, refused or black-holed).</summary>
    public int AcceptedCount => Volatile.Read(ref _nextId);

    /// <summary>Connections currently relayed.</summary>
    public int OpenCount => _links.Count;

    /// <summary>Server→client bytes forwarded, over all connections.</summary>
    public long DownstreamBytes => Interlocked.Read(ref _downstreamBytes);

    /// <summary>Client→server bytes forwarded, over all connections.</summary>
    public long UpstreamBytes => Interlocked.Read(ref _upstreamBytes);

    /// <summary>Waits until at least <paramref name="count"/> connections have been accepted.</summary>
    public async Task WaitForAcceptedAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _accepted.Task;
            }

            if (AcceptedCount >= count)
            {
                return;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Every open connection forwards <paramref name="moreBytes"/> more server→client bytes, then is reset (mid-frame).</summary>
    public void CutOpenConnectionsAfter(long moreBytes)
    {
        foreach (Link link in _links.Values)
        {
            Interlocked.Exchange(ref link.Budget, moreBytes);
        }
    }

    /// <summary>Resets every relayed connection abruptly (TCP RST on both sides).</summary>
    public void ResetAll()
    {
        foreach (Link link in _links.Values)
        {
            link.Reset();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        Stalled = false;
        ResetAll();
        foreach (TcpClient client in _blackholed)
        {
            Abort(client);
        }

        await _acceptLoop;
        await Task.WhenAll(_relays.Values);
        _stop.Dispose();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private Task WhileStalledAsync(CancellationToken cancellationToken)
    {
        Task resume;
        lock (_gate)
        {
            resume = _resume.Task;
        }

        return resume.IsCompleted ? Task.CompletedTask : resume.WaitAsync(cancellationToken);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            int id = Interlocked.Increment(ref _nextId);
            TaskCompletionSource accepted;
            lock (_gate)
            {
                accepted = _accepted;
                _accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (RefuseConnections)
            {
                Abort(client);
            }
            else if (BlackholeConnections)
            {
                _blackholed.Add(client);
            }
            else
            {
                _relays[id] = RelayAsync(id, client);
            }

            accepted.TrySetResult();
        }
    }

    private async Task RelayAsync(int id, TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Abort(client);
            upstream.Dispose();
            return;
        }

        client.NoDelay = true;
        upstream.NoDelay = true;
        using var link = new Link(client, upstream, _stop.Token) { Budget = CutDownstreamAfterBytes ?? -1 };
        _links[id] = link;
        try
        {
            Task up = PumpAsync(client, upstream, downstream: false, link);
            Task down = PumpAsync(upstream, client, downstream: true, link);
            await Task.WhenAll(up, down);
        }
        finally
        {
            _links.TryRemove(id, out _);
            link.Close();
        }
    }

    /// <summary>One direction: a reader that stamps chunks as they arrive, a writer that releases them after the latency.</summary>
    private async Task PumpAsync(TcpClient fromClient, TcpClient toClient, bool downstream, Link link)
    {
        CancellationToken token = link.Token;
        NetworkStream from, to;
        try
        {
            from = fromClient.GetStream();
            to = toClient.GetStream();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            return; // reset (ResetAll, a cut, disposal) before this direction started: nothing to relay
        }

        // Bounded: a stalled or throttled writer stops the reader, so backpressure reaches the sender.
        Channel<(byte[] Data, int Count, long At)> chunks = Channel.CreateBounded<(byte[], int, long)>(4);

        async Task ReadAsync()
        {
            try
            {
                while (true)
                {
                    await WhileStalledAsync(token);
                    byte[] buffer = new byte[ChunkSize];
                    int read = await from.ReadAsync(buffer, token);
                    if (read == 0)
                    {
                        return; // FIN: passed on by the writer once everything before it is written
                    }

                    await chunks.Writer.WriteAsync((buffer, read, Stopwatch.GetTimestamp()), token);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                link.Reset();
            }
            finally
            {
                chunks.Writer.TryComplete();
            }
        }

        Task reading = ReadAsync();
        try
        {
            await foreach ((byte[] data, int count, long at) in chunks.Reader.ReadAllAsync(token))
            {
                TimeSpan latency = downstream ? DownstreamLatency : UpstreamLatency;
                TimeSpan wait = latency - Stopwatch.GetElapsedTime(at);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, token); // the latency toxic itself, not synchronisation
                }

                int offset = 0;
                int length = count;
                long left = downstream ? Interlocked.Read(ref link.Budget) : -1;
                if (left >= 0)
                {
                    length = (int)Math.Min(length, left);
                    Interlocked.Exchange(ref link.Budget, left - length);
                }

                while (offset < length)
                {
                    await WhileStalledAsync(token);
                    int slice = downstream && DownstreamSliceSize > 0 ? Math.Min(DownstreamSliceSize, length - offset) : length - offset;
                    if (downstream && DownstreamBytesPerSecond > 0)
                    {
                        slice = Math.Min(slice, Math.Max(1, DownstreamBytesPerSecond / 20));
                        await Task.Delay(TimeSpan.FromSeconds((double)slice / DownstreamBytesPerSecond), token); // the bandwidth toxic
                    }

                    await to.WriteAsync(data.AsMemory(offset, slice), token);
                    Interlocked.Add(ref downstream ? ref _downstreamBytes : ref _upstreamBytes, slice);
                    offset += slice;
                }

                if (left >= 0 && left - length == 0)
                {
                    link.Reset(); // cut mid-stream: the client sees a truncated frame, then a reset
                    return;
                }
            }

            // The reader saw a FIN: pass it on as a FIN (half-close), so what was written before it arrives intact.
            if (!link.IsReset)
            {
                toClient.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            link.Reset();
        }
        finally
        {
            await reading;
        }
    }

    private static void Abort(TcpClient tcp)
    {
        try
        {
            tcp.Client.LingerState = new LingerOption(true, 0); // close → RST, like a crashed peer
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        tcp.Dispose();
    }

    private sealed class Link : IDisposable
    {
        private readonly TcpClient _client;
        private readonly TcpClient _upstream;
        private readonly CancellationTokenSource _cancel;
        private int _reset;

        public Link(TcpClient client, TcpClient upstream, CancellationToken stop)
        {
            _client = client;
            _upstream = upstream;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Token = _cancel.Token;
        }

        public CancellationToken Token { get; }

        /// <summary>Server→client bytes still allowed before a reset; -1 = no limit.</summary>
        public long Budget;

        public bool IsReset => Volatile.Read(ref _reset) == 1;

        /// <summary>RST both ways and stop both pumps.</summary>
        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 1)
            {
                return;
            }

            Abort(_client);
            Abort(_upstream);
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>Both directions finished with a FIN: close normally.</summary>
        public void Close()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 1)
            {
                return;
            }

            _client.Dispose();
            _upstream.Dispose();
        }

        public void Dispose() => _cancel.Dispose();
    }
}
