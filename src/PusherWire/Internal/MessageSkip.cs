namespace PusherWire.Internal;

/// <summary>Why the receive loop discarded a message as it streamed in instead of passing it to the parser.</summary>
internal enum MessageSkip
{
    /// <summary>Parse it.</summary>
    None,

    /// <summary>Longer than <see cref="PusherOptions.MaxMessageSize"/>: the rest is read and thrown away, memory stays bounded.</summary>
    Oversized,

    /// <summary>
    /// A binary message. Pusher messages are JSON text (pusher-js's JSON.parse fails on binary data too), and only text
    /// messages have their UTF-8 validated by the WebSocket layer, so the parser never sees unvalidated bytes.
    /// </summary>
    Binary,
}
