// Client events (pusher-js channel.trigger) with Pusher's rules: prefix, channel kind, subscription, size and rate.
using PusherWire.Internal;

namespace PusherWire;

public sealed partial class PusherClient
{
    /// <summary>Pusher's documented limit for one event's data.</summary>
    internal const int MaxClientEventBytes = 10 * 1024;

    private SlidingWindowLimiter? _clientEventLimiter;

    internal Task<bool> TriggerClientEventAsync(PusherChannel channel, string eventName, string jsonData, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(jsonData);
        if (!eventName.StartsWith("client-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Client event names must start with 'client-' (got '{LogSanitizer.Clean(eventName)}').", nameof(eventName));
        }

        if (channel.Type is not (ChannelType.Private or ChannelType.Presence))
        {
            // Encrypted channels too: the server would relay our plaintext to every member of an encrypted channel.
            throw new InvalidOperationException($"Client events can only be sent on private- and presence- channels; '{LogSanitizer.Clean(channel.Name)}' is {channel.Type}.");
        }

        byte[] data = System.Text.Encoding.UTF8.GetBytes(jsonData);
        if (data.Length > MaxClientEventBytes)
        {
            throw new ArgumentException($"Client event data is {data.Length} bytes; Pusher accepts at most {MaxClientEventBytes}.", nameof(jsonData));
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(data);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new ArgumentException("Client event data must be JSON.", nameof(jsonData));
        }

        if (!channel.IsSubscribed || _connection is not { } connection || _state != ConnectionState.Connected)
        {
            return Task.FromResult(false);
        }

        SlidingWindowLimiter limiter = LazyInitializer.EnsureInitialized(ref _clientEventLimiter,
            () => new SlidingWindowLimiter(Options.ClientEventRateLimit, TimeSpan.FromSeconds(1), Options.TimeProvider));
        if (!limiter.TryAcquire())
        {
            throw new PusherRateLimitException(Options.ClientEventRateLimit);
        }

        return connection.SendAsync(f => f.ClientEvent(channel.Name, eventName, data), cancellationToken);
    }
}
