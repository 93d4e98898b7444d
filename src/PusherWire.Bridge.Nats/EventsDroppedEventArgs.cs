// Payload of NatsBridge.EventsDropped: the queue was full and an event was dropped.
namespace PusherWire.Bridge.Nats;

/// <summary>The bridge's queue was full and an event was dropped (see <see cref="NatsBridgeOptions.OverflowPolicy"/>).</summary>
public sealed class EventsDroppedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="channel">The dropped event's channel.</param>
    /// <param name="eventName">The dropped event's name.</param>
    /// <param name="totalDropped">Events dropped by this bridge so far, this one included.</param>
    public EventsDroppedEventArgs(string channel, string eventName, long totalDropped)
    {
        Channel = channel;
        EventName = eventName;
        TotalDropped = totalDropped;
    }

    /// <summary>The dropped event's channel.</summary>
    public string Channel { get; }

    /// <summary>The dropped event's name.</summary>
    public string EventName { get; }

    /// <summary>Events dropped by this bridge so far, this one included.</summary>
    public long TotalDropped { get; }
}
