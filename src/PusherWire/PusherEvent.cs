using System.Text;

namespace PusherWire;

/// <summary>
/// Handles one received event. The <paramref name="e"/> view is valid only for the duration of the call:
/// its spans point into pooled receive buffers that are reused as soon as the handler returns.
/// Call <see cref="PusherEvent.ToMessage"/> to keep a copy.
/// </summary>
/// <param name="e">A zero-copy view of the event.</param>
public delegate void PusherEventCallback(in PusherEvent e);

/// <summary>
/// A zero-copy, allocation-free view of one Pusher event as it came off the wire.
/// All spans are UTF-8 and are valid only while the handler that received the view runs.
/// </summary>
public readonly ref struct PusherEvent
{
    /// <summary>Creates a view over already-decoded parts of an event.</summary>
    /// <param name="channel">The channel name (empty for connection-level events).</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="data">The event data as UTF-8 JSON (unescaped when the wire carried it as a JSON string).</param>
    /// <param name="userId">The <c>user_id</c> field, empty when absent.</param>
    public PusherEvent(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, ReadOnlySpan<byte> userId)
    {
        Channel = channel;
        EventName = eventName;
        Data = data;
        UserId = userId;
    }

    /// <summary>The channel name in UTF-8; empty for connection-level events.</summary>
    public ReadOnlySpan<byte> Channel { get; }

    /// <summary>The event name in UTF-8.</summary>
    public ReadOnlySpan<byte> EventName { get; }

    /// <summary>
    /// The event payload in UTF-8. Pusher servers send <c>data</c> as a JSON-encoded string; this is that string
    /// unescaped, i.e. normally the JSON text of the payload. When the server sent an object or another JSON value
    /// instead, this is that value's raw JSON. Empty when the frame had no <c>data</c>.
    /// </summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The <c>user_id</c> field in UTF-8 (presence and client events); empty when absent.</summary>
    public ReadOnlySpan<byte> UserId { get; }

    /// <summary>Decodes <see cref="Channel"/> to a string (allocates).</summary>
    public string GetChannelName() => Encoding.UTF8.GetString(Channel);

    /// <summary>Decodes <see cref="EventName"/> to a string (allocates).</summary>
    public string GetEventName() => Encoding.UTF8.GetString(EventName);

    /// <summary>Decodes <see cref="Data"/> to a string (allocates).</summary>
    public string GetDataString() => Encoding.UTF8.GetString(Data);

    /// <summary>Copies the view into an owned <see cref="PusherMessage"/> that outlives the handler call.</summary>
    public PusherMessage ToMessage() => new(
        GetChannelName(),
        GetEventName(),
        Data.ToArray(),
        UserId.IsEmpty ? null : Encoding.UTF8.GetString(UserId));
}
