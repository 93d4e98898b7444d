// One received event owned by the bridge until JetStream acknowledges it.
namespace PusherWire.Bridge.Nats.Internal;

/// <summary>An event copied off the receive buffer, waiting in a <see cref="PublishQueue"/> lane.</summary>
internal sealed class PendingEvent(string channel, string eventName, byte[] data, string? userId, string? socketId, DateTimeOffset receivedAt)
{
    public string Channel { get; } = channel;

    public string EventName { get; } = eventName;

    public byte[] Data { get; } = data;

    public string? UserId { get; } = userId;

    public string? SocketId { get; } = socketId;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    // Queue bookkeeping, guarded by the queue's lock.
    internal LinkedListNode<PendingEvent>? LaneNode { get; set; }

    internal LinkedListNode<PendingEvent>? ArrivalNode { get; set; }

    internal bool InFlight { get; set; }

    public override string ToString() => $"{EventName} on {Channel} ({Data.Length} bytes)";
}
