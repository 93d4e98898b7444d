// Payload of PusherUser.WatchlistEvent (pusher-js watchlist.ts).
namespace PusherWire;

/// <summary>A watchlist notification for the signed-in user: users on its watchlist came online or went offline.</summary>
public sealed class WatchlistEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public WatchlistEventArgs(string name, IReadOnlyList<string> userIds)
    {
        Name = name;
        UserIds = userIds;
    }

    /// <summary>The event name: <c>online</c> or <c>offline</c> (others are passed through as sent).</summary>
    public string Name { get; }

    /// <summary>The user ids it is about.</summary>
    public IReadOnlyList<string> UserIds { get; }
}
