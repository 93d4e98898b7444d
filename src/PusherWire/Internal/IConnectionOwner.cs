namespace PusherWire.Internal;

/// <summary>What a <see cref="PusherConnection"/> reports to the client that owns it.</summary>
internal interface IConnectionOwner
{
    /// <summary>A frame that is not connection-level protocol (channel events, subscription results). Runs on the receive loop.</summary>
    /// <returns>A task when the frame must wait for a full reader queue (Wait policy); otherwise a completed one.</returns>
    ValueTask OnFrameAsync(PusherConnection connection, in ParsedFrame frame);

    /// <summary>Every received message has been dispatched and the next read waits for the network (runs on the receive loop).</summary>
    void OnReceiveIdle(PusherConnection connection);

    /// <summary>A problem worth surfacing that does not by itself end the connection.</summary>
    void OnError(PusherException error);
}
