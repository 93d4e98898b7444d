using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// An in-process TCP relay on 127.0.0.1 between the client and a server, with Toxiproxy-style faults that a test
/// switches on and off: latency, a bandwidth cap, stalling (half-open), abrupt resets, cutting the stream after N
/// bytes (mid-frame), and refusing new connections. Loopback only.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Link> _links = new();
    private readonly Task _acceptLoop;
    private int _nextId;

    public FaultProxy(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Parse(targetHost), targetPort);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Added before each server→client chunk is forwarded.</summary>
    public TimeSpan DownstreamLatency { get; set; }

    /// <summary>Server→client bytes per second; 0 = unlimited.</summary>
    public int DownstreamBytesPerSecond { get; set; }

    /// <summary>Stop forwarding in both directions while keeping the sockets open (a half-open, silent peer).</summary>
    public bool Stalled { get; set; }

    /// <summary>New connections are accepted and closed at once.</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>When set, each new connection forwards only this many server→client bytes, then is cut (RST).</summary>
    public long? CutDownstreamAfterBytes { get; set; }

    /// <summary>Connections accepted so far.</summary>
    public int AcceptedCount => Volatile.Read(ref _nextId);

    /// <summary>Connections currently relayed.</summary>
    public int OpenCount => _links.Count;

    /// <summary>Server→client bytes forwarded, over all connections.</summary>
    public long DownstreamBytes => Interlocked.Read(ref _downstreamBytes);

    private long _downstreamBytes;

    /// <summary>Resets every relayed connection abruptly (TCP RST on both sides).</summary>
    public void ResetAll()
    {
        foreach (Link link in _links.Values)
        {
            link.Reset();
        }
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
            if (RefuseConnections)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            _ = RelayAsync(id, client);
        }
    }

    private async Task RelayAsync(int id, TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception)
        {
            client.Dispose();
            upstream.Dispose();
            return;
        }

        var link = new Link(client, upstream);
        _links[id] = link;
        long? budget = CutDownstreamAfterBytes;
        try
        {
            Task up = PumpAsync(client.GetStream(), upstream.GetStream(), downstream: false, null, link);
            Task down = PumpAsync(upstream.GetStream(), client.GetStream(), downstream: true, budget, link);
            await Task.WhenAny(up, down);
        }
        finally
        {
            _links.TryRemove(id, out _);
            link.Reset();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool downstream, long? budget, Link link)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                while (Stalled && !_stop.IsCancellationRequested && !link.IsReset)
                {
                    await Task.Delay(10, _stop.Token); // polling a test-controlled switch; not used to synchronise a test
                }

                int count = read;
                if (downstream)
                {
                    if (budget is { } left)
                    {
                        count = (int)Math.Min(count, left);
                        budget = left - count;
                    }

                    if (DownstreamLatency > TimeSpan.Zero)
                    {
                        await Task.Delay(DownstreamLatency, _stop.Token);
                    }

                    if (DownstreamBytesPerSecond > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)count / DownstreamBytesPerSecond), _stop.Token);
                    }

                    Interlocked.Add(ref _downstreamBytes, count);
                }

                await to.WriteAsync(buffer.AsMemory(0, count), _stop.Token);
                if (budget == 0)
                {
                    link.Reset();
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        ResetAll();
        await _acceptLoop;
        _stop.Dispose();
    }

    private sealed class Link(TcpClient client, TcpClient upstream)
    {
        private int _reset;

        public bool IsReset => Volatile.Read(ref _reset) == 1;

        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 1)
            {
                return;
            }

            foreach (TcpClient tcp in new[] { client, upstream })
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
        }
    }
}
