// Subscribes that are not a plain channel: the user channel, scripted refusals, ignored subscribes; cache replay.
using System.Text.Json;

namespace PusherWire.Testing;

public sealed partial class TestConnection
{
    /// <returns>True when the subscribe was answered here (or deliberately left unanswered).</returns>
    private async Task<bool> TryAnswerSpecialSubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        PusherTestServerOptions options = _server.Options;
        if (channel.StartsWith('#'))
        {
            // Only the signed-in user's own channel, and only after sign-in (no channel auth for it).
            bool own = SignedInUserId is { } id && channel == PusherTestServer.UserChannel(id);
            if (!own)
            {
                await SendAsync(PusherFrames.Error(4009, $"Cannot subscribe to {channel}: not signed in as that user"), cancellationToken).ConfigureAwait(false);
                return true;
            }

            lock (_gate)
            {
                _subscriptions[channel] = null;
            }

            await SendAsync(PusherFrames.Internal("pusher_internal:subscription_succeeded", channel, "{}"), cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (options.IgnoreSubscription?.Invoke(channel) == true)
        {
            return true;
        }

        if (options.SubscriptionErrorFor?.Invoke(channel) is { } refusal)
        {
            lock (_gate)
            {
                _rejected.Add(channel);
            }

            string data = PusherFrames.SubscriptionErrorJson(refusal);
            await SendAsync(PusherFrames.Event("pusher:subscription_error", channel, data), cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task SendCacheAsync(string channel, CancellationToken cancellationToken)
    {
        if (_server.CacheFrameFor(channel) is { } frame)
        {
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
    }
}
