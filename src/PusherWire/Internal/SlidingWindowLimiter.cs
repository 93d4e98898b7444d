// A tiny sliding-window counter (N per window) on a TimeProvider; the core takes no System.Threading.RateLimiting dependency.
namespace PusherWire.Internal;

/// <summary>Allows at most <c>limit</c> acquisitions in any window of <c>window</c> length. Thread-safe.</summary>
internal sealed class SlidingWindowLimiter(int limit, TimeSpan window, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long[] _stamps = new long[limit]; // ring of the last `limit` acquisition timestamps
    private int _next;
    private int _count;

    public bool TryAcquire()
    {
        long now = time.GetTimestamp();
        lock (_gate)
        {
            if (_count == _stamps.Length)
            {
                // The oldest of the last `limit` acquisitions must have left the window.
                if (time.GetElapsedTime(_stamps[_next], now) < window)
                {
                    return false;
                }
            }
            else
            {
                _count++;
            }

            _stamps[_next] = now;
            _next = (_next + 1) % _stamps.Length;
            return true;
        }
    }
}
