using System.Net.WebSockets;

namespace PusherWire.Internal;

// Serialized sends (ClientWebSocket allows one at a time) bounded by SendTimeout.
internal sealed partial class PusherConnection
{
    // The send the timeout is watching, once it has gone asynchronous (one at a time: under _sendLock).
    private Task? _sendInFlight;

    /// <summary>
    /// Builds a frame with the connection's reused writer and sends it; one send at a time (ClientWebSocket allows no
    /// more). A send that fails or times out aborts the socket, so the client reconnects instead of running on a
    /// half-written stream.
    /// </summary>
    /// <returns>False when the connection is closed or the send failed.</returns>
    public async Task<bool> SendAsync(Func<FrameWriter, ReadOnlyMemory<byte>> build, CancellationToken cancellationToken)
    {
        WebSocket? socket = _socket;
        if (socket is null || _lifetime.IsCancellationRequested)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(_options.SendTimeout, _time);
        using var waitToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _lifetime.Token);
        try
        {
            await _sendLock.WaitAsync(waitToken.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }

        // Once a frame is going out, the caller's token no longer applies: cancelling a WebSocket send mid-frame
        // aborts the socket, so only the send timeout and the connection's own end can stop it. The timeout marks
        // itself as the cause before it aborts (like the pong timeout): otherwise the receive loop, failing first on
        // the aborted socket, reported "the remote party closed the connection" and the real cause was lost.
        CancellationTokenRegistration onTimeout = timeout.Token.UnsafeRegister(static s => ((PusherConnection)s!).OnSendTimeout(), this);
        try
        {
            if (socket.State != WebSocketState.Open)
            {
                return false;
            }

            ReadOnlyMemory<byte> frame = build(_frames);
            ValueTask send = socket.SendAsync(frame, WebSocketMessageType.Text, true, _lifetime.Token);
            if (!send.IsCompleted)
            {
                // Visible to the timeout: a send that has finished but whose continuation has not run yet (a busy
                // thread pool, or a fake clock jumping past SendTimeout) is not a stuck send.
                Task pending = send.AsTask();
                Volatile.Write(ref _sendInFlight, pending);
                if (timeout.IsCancellationRequested)
                {
                    // The timeout fired before it could see this send (it ignores "no send in flight"): judge it now.
                    OnSendTimeout();
                }

                await pending.ConfigureAwait(false);
            }
            else
            {
                await send.ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            if (!_lifetime.IsCancellationRequested)
            {
                _owner.OnError(new PusherConnectionException("A send failed; reconnecting.", e));
                Abort();
            }

            return false;
        }
        finally
        {
            // The timeout is unhooked before the in-flight send is cleared: a timer firing in between (a fake clock
            // advanced the moment the peer had the frame, a thread descheduled under load) must find nothing to abort,
            // not a finished send it takes for a stuck one. Dispose waits for a callback already running.
            onTimeout.Dispose();
            Volatile.Write(ref _sendInFlight, null);
            _sendLock.Release();
        }
    }

    private void OnSendTimeout()
    {
        // Only a send that is on the wire and unfinished is stuck. Before the frame goes out (building it, the state
        // check) or after a send that completed synchronously, there is nothing to time out: aborting then dropped a
        // healthy connection whenever a fake clock jumped past SendTimeout right after the peer had the frame.
        if (_lifetime.IsCancellationRequested || Volatile.Read(ref _sendInFlight) is not { IsCompleted: false })
        {
            return;
        }

        _sendTimedOut = true; // reported once, as the reason this connection ended
        Abort();
    }
}
