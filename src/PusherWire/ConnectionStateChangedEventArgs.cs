namespace PusherWire;

/// <summary>Arguments of <see cref="PusherClient.StateChanged"/>: one event per transition.</summary>
public sealed class ConnectionStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the arguments of one transition.</summary>
    /// <param name="previous">The state before the transition.</param>
    /// <param name="current">The state after the transition.</param>
    public ConnectionStateChangedEventArgs(ConnectionState previous, ConnectionState current)
    {
        Previous = previous;
        Current = current;
    }

    /// <summary>The state before the transition.</summary>
    public ConnectionState Previous { get; }

    /// <summary>The state after the transition.</summary>
    public ConnectionState Current { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Previous} -> {Current}";
}
