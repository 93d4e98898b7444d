using System.Net.WebSockets;

namespace PusherWire.Internal;

// Shutdown: abort, the bounded close handshake, and disposal.
internal sealed partial class PusherConnection
{
    /// <summary>Drops the connection at once, without a close handshake.</summary>
    public void Abort()
    {
        // Lifetime first: the receive loop then knows that the read failing next is this abort, not a network fault.
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already (a close racing the supervisor's cleanup): the connection is over either way.
        }

        try
        {
            _socket?.Abort();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes with a handshake, bounded by CloseTimeout; aborts when the peer does not answer in time.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string? reason)
    {
        WebSocket? socket = _socket;
        if (socket is { State: WebSocketState.Open or WebSocketState.CloseReceived })
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout, _time);
            try
            {
                await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    await socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }

                if (_completion is not null)
                {
                    await _completion.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Bounded shutdown matters more than a polite one.
            }
        }

        Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Abort();
        StopKeepalive();
        if (_completion is not null)
        {
            await _completion.ConfigureAwait(false);
        }

        _socket?.Dispose();
        _frames.Dispose();
        _lifetime.Dispose();
    }
}
