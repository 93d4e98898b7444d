// The header names the bridge sets on every message it publishes.
namespace PusherWire.Bridge.Nats;

/// <summary>Header names on every message the bridge publishes (the payload is the event's data, unchanged).</summary>
public static class NatsBridgeHeaders
{
    /// <summary>JetStream's de-duplication id (<see cref="NatsMessageIds"/>).</summary>
    public const string MessageId = "Nats-Msg-Id";

    /// <summary>The Pusher channel name, as received.</summary>
    public const string Channel = "Pusher-Channel";

    /// <summary>The event name; percent-escaped like a subject token when it holds characters outside printable ASCII.</summary>
    public const string Event = "Pusher-Event";

    /// <summary>When the bridge received the event: ISO 8601 UTC with fractional seconds (round-trip format "O").</summary>
    public const string ReceivedAt = "Pusher-Received-At";

    /// <summary>The Pusher socket id of the connection that received it (differs between bridges).</summary>
    public const string SocketId = "Pusher-Socket-Id";

    /// <summary>The event's <c>user_id</c> field, when present (presence and client events).</summary>
    public const string UserId = "Pusher-User-Id";

    /// <summary>The publishing bridge's <see cref="NatsBridgeOptions.BridgeName"/>, when set.</summary>
    public const string Bridge = "Pusher-Bridge";
}
