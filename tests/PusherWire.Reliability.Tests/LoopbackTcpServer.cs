using System.Net;
using System.Net.Sockets;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// A bare TCP listener on 127.0.0.1 (free port) that serves each accepted connection with <see cref="ServeAsync"/>, one
/// at a time, until disposed. For the security tests' hand-made peers (a self-signed TLS endpoint, a raw HTTP server).
/// </summary>
internal abstract class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public int Port { get; private set; }

    /// <summary>Starts listening; called by the derived constructor once its own state is ready.</summary>
    protected void Start()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = LoopAsync();
    }

    /// <summary>Serves one connection. The peer going away or the server stopping must not throw out of here.</summary>
    protected abstract Task ServeAsync(TcpClient client, CancellationToken stop);

    public virtual async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // InvalidOperationException: DisposeAsync stopped the listener between two accepts ("not listening").
                return;
            }

            using (client)
            {
                await ServeAsync(client, _stop.Token);
            }
        }
    }
}
