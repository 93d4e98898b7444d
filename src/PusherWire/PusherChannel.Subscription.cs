// How a subscription wait ends without success: the bound (PusherOptions.SubscriptionTimeout; pusher-js has none and can
// wait forever) and the server's refusals (pusher:subscription_error, a pusher:error answering the subscribe).
using System.Text.Json;

namespace PusherWire;

public sealed partial class PusherChannel
{
    private ITimer? _subscriptionTimer;

    /// <summary>Starts the bound when this channel's subscribe on <paramref name="connection"/> begins (authorization included).</summary>
    private void StartSubscriptionTimer(object connection)
    {
        PusherOptions options = _client.Options;
        ITimer timer = options.TimeProvider.CreateTimer(
            static s =>
            {
                var (channel, connection) = ((PusherChannel, object))s!;
                channel.OnSubscriptionTimeout(connection);
            },
            (this, connection), options.SubscriptionTimeout, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _subscriptionTimer, timer)?.Dispose();
    }

    private void StopSubscriptionTimer() => Interlocked.Exchange(ref _subscriptionTimer, null)?.Dispose();

    private void OnSubscriptionTimeout(object connection)
    {
        // Stale when the channel moved on: confirmed, failed, unsubscribed, or its connection was replaced (then the
        // new connection's resubscribe has its own bound).
        if (_state != SubscriptionState.Pending || !ReferenceEquals(Volatile.Read(ref _subscribingOn), connection) || !_client.IsCurrent(connection))
        {
            return;
        }

        var error = new PusherSubscriptionException(Name, PusherSubscriptionFailure.Timeout, null, null,
            $"no answer from the server within {_client.Options.SubscriptionTimeout.TotalSeconds:0.###} s (PusherOptions.SubscriptionTimeout).");
        _client.ReportError(error);
        SetFailed(error);
    }

    /// <summary><c>pusher:subscription_error</c> for this channel (Laravel Reverb, soketi): <c>{"type","error","status"}</c>.</summary>
    internal void OnSubscriptionError(ReadOnlySpan<byte> data)
    {
        if (_state != SubscriptionState.Pending)
        {
            return; // not waiting: the event still reaches Bind, but changes no state
        }

        string? type = null, message = null;
        int? status = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(data.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                type = root.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                message = root.TryGetProperty("error", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                status = root.TryGetProperty("status", out JsonElement s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out int code) ? code : null;
            }
        }
        catch (JsonException)
        {
            // Unreadable details: the refusal itself still counts.
        }

        Refuse(status, type, $"the server refused it{(status is null ? "" : $" ({status})")}: {LogSanitizer.Clean(message ?? "pusher:subscription_error")}");
    }

    /// <summary>A <c>pusher:error</c> that answers this channel's subscribe (see <see cref="PusherClient.OnServerError"/>).</summary>
    internal void Refuse(int? status, string? type, string message)
    {
        var error = new PusherSubscriptionException(Name, PusherSubscriptionFailure.Refused, status, type, message);
        _client.ReportError(error);
        SetFailed(error);
    }

    /// <summary>True while this channel waits for the server's answer on <paramref name="connection"/>.</summary>
    internal bool IsAwaitingAnswer(object connection) =>
        _state == SubscriptionState.Pending && ReferenceEquals(Volatile.Read(ref _subscribingOn), connection);
}
