// Cache channels: the last event published on a cache- channel is replayed to new subscribers, else pusher:cache_miss.
namespace PusherWire.Testing;

public sealed partial class PusherTestServer
{
    private readonly Dictionary<string, byte[]> _cache = new(StringComparer.Ordinal);

    internal static bool IsCacheChannel(string channelName) =>
        channelName.StartsWith("cache-", StringComparison.Ordinal) || channelName.StartsWith("private-cache-", StringComparison.Ordinal) ||
        channelName.StartsWith("presence-cache-", StringComparison.Ordinal) || channelName.StartsWith("private-encrypted-cache-", StringComparison.Ordinal);

    /// <summary>The frame a new subscriber of a cache channel gets after subscription_succeeded: the cached event or <c>pusher:cache_miss</c>.</summary>
    internal byte[]? CacheFrameFor(string channelName)
    {
        if (!IsCacheChannel(channelName))
        {
            return null;
        }

        lock (_gate)
        {
            return _cache.TryGetValue(channelName, out byte[]? frame) ? frame : PusherFrames.Event("pusher:cache_miss", channelName, "{}");
        }
    }

    private void RememberForCache(string channelName, byte[] frame)
    {
        if (IsCacheChannel(channelName))
        {
            lock (_gate)
            {
                _cache[channelName] = frame;
            }
        }
    }
}
