namespace PusherWire.Internal;

// pusher-js's activity check: one self-re-arming timer for the ping after silence and the pong timeout.
internal sealed partial class PusherConnection
{
    private void MarkActivity() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    private void StartKeepalive()
    {
        lock (_timerLock)
        {
            _keepaliveTimer = _time.CreateTimer(static s => ((PusherConnection)s!).OnKeepaliveTimer(), this, ActivityTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopKeepalive()
    {
        lock (_timerLock)
        {
            _keepaliveTimer?.Dispose();
            _keepaliveTimer = null;
        }
    }

    /// <summary>
    /// One timer serves both checks. Instead of re-arming on every message (pusher-js's resetActivityCheck), the
    /// receive loop only stamps the time and the timer re-arms itself for the remainder: same timing, no per-message cost.
    /// </summary>
    private void OnKeepaliveTimer()
    {
        bool sendPing = false;
        lock (_timerLock)
        {
            if (_keepaliveTimer is null)
            {
                return;
            }

            long now = _time.GetTimestamp();
            long last = Volatile.Read(ref _lastActivity);
            if (_pingOutstanding)
            {
                if (last > _pingSentAt)
                {
                    _pingOutstanding = false;
                    _keepaliveTimer.Change(Remaining(now, last, ActivityTimeout), Timeout.InfiniteTimeSpan);
                    return;
                }

                // pusher-js: no answer within pongTimeout → close and retry immediately.
                _pongTimedOut = true;
                _keepaliveTimer.Dispose();
                _keepaliveTimer = null;
            }
            else
            {
                TimeSpan remaining = Remaining(now, last, ActivityTimeout);
                if (remaining > TimeSpan.Zero)
                {
                    _keepaliveTimer.Change(remaining, Timeout.InfiniteTimeSpan);
                    return;
                }

                _pingOutstanding = true;
                _pingSentAt = now;
                _keepaliveTimer.Change(_options.PongTimeout, Timeout.InfiniteTimeSpan);
                sendPing = true;
            }
        }

        if (sendPing)
        {
            _ = SendAsync(static f => f.Ping(), CancellationToken.None);
        }
        else
        {
            Abort();
        }
    }

    private PusherConnectionException SendTimeoutError() =>
        new($"A send did not complete within {_options.SendTimeout.TotalSeconds:0.###} s; reconnecting.");

    private PusherConnectionException PongTimeoutError() =>
        new($"No pong within {_options.PongTimeout.TotalSeconds:0.###} s of our ping: the connection is dead.");

    private TimeSpan Remaining(long now, long last, TimeSpan timeout)
    {
        TimeSpan elapsed = _time.GetElapsedTime(last, now);
        return elapsed >= timeout ? TimeSpan.Zero : timeout - elapsed;
    }
}
