// What a full bridge queue drops.
namespace PusherWire.Bridge.Nats;

/// <summary>Which event a full <see cref="NatsBridge"/> queue drops (every drop is counted and reported).</summary>
public enum NatsBridgeOverflowPolicy
{
    /// <summary>Drop the arriving event; what is queued keeps its place (the gap is the newest events).</summary>
    DropNewest,

    /// <summary>Drop the oldest queued event not being published, to make room (the gap is the oldest events).</summary>
    DropOldest,
}
