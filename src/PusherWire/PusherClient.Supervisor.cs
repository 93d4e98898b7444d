using PusherWire.Internal;

namespace PusherWire;

/// <summary>The connection lifecycle: one supervisor loop connects, waits for the connection to end, and decides what next.</summary>
public sealed partial class PusherClient
{
    private async Task SuperviseAsync(CancellationToken stop)
    {
        int attempt = 0;
        bool useTls = Options.UseTls;
        while (!stop.IsCancellationRequested)
        {
            EnterConnecting();
            SessionEnd end;
            long? connectedAt = null;
            var connection = new PusherConnection(this, Options);
            try
            {
                await OpenTracedAsync(connection, Options.BuildUri(useTls), stop).ConfigureAwait(false);
                connectedAt = Options.TimeProvider.GetTimestamp();
                OnConnected(connection);
                Interlocked.MemoryBarrier(); // _connection is published before stop is read (DisconnectAsync: the reverse)
                if (stop.IsCancellationRequested)
                {
                    // DisconnectAsync looked for a connection to close before this one became current: without this
                    // close it would stay open, and the supervisor (and DisconnectAsync waiting for it) with it.
                    await connection.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "client disconnect").ConfigureAwait(false);
                }

                end = await connection.Completion.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await DropConnectionAsync(connection).ConfigureAwait(false);
                return;
            }
            catch (PusherServerErrorException e)
            {
                end = new SessionEnd(null, e.Code, e);
            }
            catch (PusherException e)
            {
                end = new SessionEnd(null, null, e);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Anything else (a custom WebSocketFactory's own exception, a cancellation that is not ours, a TLS
                // failure surfacing unwrapped) is one failed attempt, never the end of the supervisor: without this
                // the client would sit in Connecting forever with nobody reconnecting.
                end = new SessionEnd(null, null, new PusherConnectionException(
                    $"The connection attempt failed: {e.GetType().Name}: {LogSanitizer.Clean(e.Message)}", e));
            }

            await DropConnectionAsync(connection).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            if (end.Error is { } error)
            {
                ReportError(error);
            }

            if (connectedAt is { } since && Options.TimeProvider.GetElapsedTime(since) >= Options.Reconnect.ResetAfter)
            {
                attempt = 0;
            }

            CloseAction action = end.Action;
            if (action == CloseAction.TlsOnly && !useTls)
            {
                // pusher-js: tls_only switches to TLS and retries at once.
                useTls = true;
                action = CloseAction.Retry;
            }

            if (action is CloseAction.Refused or CloseAction.TlsOnly || attempt >= Options.Reconnect.MaxAttempts)
            {
                Fail(end.Error ?? new PusherConnectionException("Giving up: the reconnect attempt limit was reached."));
                return;
            }

            TimeSpan delay = Options.Reconnect.GetDelay(attempt, action == CloseAction.Retry);
            attempt++;
            EnterConnecting();
            // The timer starts before listeners hear of it, so a listener that advances a fake clock by Delay fires it.
            Task wait = delay > TimeSpan.Zero ? Task.Delay(delay, Options.TimeProvider, stop) : Task.CompletedTask;
            RecordReconnect(action, end.Error);
            Raise(ReconnectScheduled, this, new ReconnectScheduledEventArgs(attempt, delay, action, end.Error), "reconnect_scheduled");
            try
            {
                await wait.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnConnected(PusherConnection connection)
    {
        _connection = connection;
        SocketId = connection.SocketId;
        DisposeUnavailableTimer();
        SetState(ConnectionState.Connected);
        _connectedOnce.TrySetResult();

        StartSignIn(connection); // first, so presence channels that rely on the signed-in user can use it
        // pusher-js resubscribes every channel on 'connected'; private ones need a fresh signature for the new socket id.
        foreach (PusherChannel channel in _channels.Values)
        {
            _ = SubscribeOnAsync(connection, channel);
        }
    }

    private async Task DropConnectionAsync(PusherConnection connection)
    {
        if (ReferenceEquals(_connection, connection))
        {
            _connection = null;
        }
        else if (_connection is not null)
        {
            // A supervisor that DisconnectAsync left behind (a callback held it past CloseTimeout) finishing after a
            // new connection is up: the channels and socket id are that connection's now.
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        SocketId = null;
        _user?.OnConnectionLost();
        foreach (PusherChannel channel in _channels.Values)
        {
            channel.SetPending();
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private void EnterConnecting()
    {
        lock (_stateLock)
        {
            if (_state is ConnectionState.Connecting or ConnectionState.Unavailable)
            {
                return;
            }

            SetState(ConnectionState.Connecting);
            // pusher-js: 'unavailable' when a connection cannot be made within unavailableTimeout; attempts go on.
            _unavailableTimer?.Dispose();
            _unavailableTimer = Options.TimeProvider.CreateTimer(static s => ((PusherClient)s!).OnUnavailableTimer(), this, Options.UnavailableTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnUnavailableTimer()
    {
        lock (_stateLock)
        {
            if (_state == ConnectionState.Connecting)
            {
                SetState(ConnectionState.Unavailable);
            }
        }
    }

    private void DisposeUnavailableTimer()
    {
        lock (_stateLock)
        {
            _unavailableTimer?.Dispose();
            _unavailableTimer = null;
        }
    }

    private void Fail(PusherException error)
    {
        DisposeUnavailableTimer();
        SetState(ConnectionState.Failed);
        _connectedOnce.TrySetException(error);
        _ = _connectedOnce.Task.Exception;
        // The supervisor is over; a later ConnectAsync starts a new one.
        _ = Task.Run(async () =>
        {
            await _lifecycle.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_stop is { IsCancellationRequested: false } stop)
                {
                    stop.Dispose();
                    _stop = null;
                }
            }
            finally
            {
                _lifecycle.Release();
            }
        });
    }

    /// <summary>Changes state and raises <see cref="StateChanged"/> under the state lock, so transitions are reported in order.</summary>
    private void SetState(ConnectionState next)
    {
        lock (_stateLock)
        {
            ConnectionState previous = _state;
            if (previous == next)
            {
                return;
            }

            _state = next;
            Raise(StateChanged, this, new ConnectionStateChangedEventArgs(previous, next), "state_change");
        }
    }
}
