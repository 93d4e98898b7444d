// The test server's user features: the user auth endpoint, #server-to-user delivery, watchlist events.
using System.Text.Json;

namespace PusherWire.Testing;

public sealed partial class PusherTestServer
{
    /// <summary>The path of the user auth endpoint (pusher-js's default <c>/pusher/user-auth</c>).</summary>
    public const string UserAuthPath = "/pusher/user-auth";

    private readonly List<TestAuthRequest> _userAuthRequests = [];

    /// <summary>The user auth endpoint (<c>http://127.0.0.1:port/pusher/user-auth</c>).</summary>
    public Uri UserAuthEndpoint => new($"http://{Host}:{Port}{UserAuthPath}");

    /// <summary>Every request to the user auth endpoint, in order (no header values).</summary>
    public IReadOnlyList<TestAuthRequest> UserAuthRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _userAuthRequests];
            }
        }
    }

    /// <summary>
    /// Sends an event to user <paramref name="userId"/> on <c>#server-to-user-{id}</c>: to every open connection signed
    /// in as that user and subscribed to its user channel (Pusher's "send to user").
    /// </summary>
    /// <returns>How many connections it was sent to.</returns>
    public Task<int> SendToUserAsync(string userId, string eventName, string dataJson, CancellationToken cancellationToken = default) =>
        BroadcastAsync(UserChannel(userId), PusherFrames.Event(eventName, UserChannel(userId), dataJson), except: null, cancellationToken);

    /// <summary>
    /// Sends <c>pusher_internal:watchlist_events</c> (<c>{"events":[{"name":..,"user_ids":[..]}]}</c>) to user
    /// <paramref name="userId"/>'s connections, e.g. name <c>online</c> or <c>offline</c>.
    /// </summary>
    /// <returns>How many connections it was sent to.</returns>
    public Task<int> SendWatchlistEventAsync(string userId, string name, IReadOnlyList<string> userIds, CancellationToken cancellationToken = default)
    {
        string data = PusherFrames.WatchlistEventsJson(name, userIds);
        return BroadcastAsync(UserChannel(userId), PusherFrames.Internal("pusher_internal:watchlist_events", UserChannel(userId), data), except: null, cancellationToken);
    }

    internal static string UserChannel(string userId) => "#server-to-user-" + userId;

    private void RecordUserAuthRequest(TestAuthRequest request)
    {
        lock (_gate)
        {
            _userAuthRequests.Add(request);
        }

        _changed.Pulse();
    }
}
