namespace PusherWire;

/// <summary>Connection states, named and sequenced exactly as pusher-js names them.</summary>
public enum ConnectionState
{
    /// <summary>Created; <see cref="PusherClient.ConnectAsync"/> has not been called yet.</summary>
    Initialized,

    /// <summary>Trying to establish a connection (first attempt or a reconnect).</summary>
    Connecting,

    /// <summary>Connected and <c>pusher:connection_established</c> received; <see cref="PusherClient.SocketId"/> is set.</summary>
    Connected,

    /// <summary>Still connecting after <see cref="PusherOptions.UnavailableTimeout"/>; attempts go on in the background.</summary>
    Unavailable,

    /// <summary>The server refused the connection for good (close code 4001-4099 or 4300+); no reconnect happens.</summary>
    Failed,

    /// <summary>Disconnected by the application (<see cref="PusherClient.DisconnectAsync"/> or dispose).</summary>
    Disconnected,
}
