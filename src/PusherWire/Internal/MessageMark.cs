namespace PusherWire.Internal;

/// <summary>
/// Marks where one WebSocket message ends in the receive pipe: the pipe carries bytes, the marks carry boundaries.
/// </summary>
/// <param name="Written">How many bytes of the message were written into the pipe (0 or a prefix for a skipped one).</param>
/// <param name="Length">How many bytes the message had on the wire.</param>
/// <param name="Skip">Why the message is not parsed, if it is not.</param>
internal readonly record struct MessageMark(int Written, long Length, MessageSkip Skip);

/// <summary>Why the receive loop discarded a message as it streamed in instead of passing it to the parser.</summary>
internal enum MessageSkip
{
    /// <summary>Parse it.</summary>
    None,

    /// <summary>Longer than <see cref="PusherOptions.MaxMessageSize"/>: only a prefix was kept, memory stays bounded.</summary>
    Oversized,

    /// <summary>
    /// A binary message. Pusher messages are JSON text (pusher-js's JSON.parse fails on binary data too), and only text
    /// messages have their UTF-8 validated by the WebSocket layer, so the parser never sees unvalidated bytes.
    /// </summary>
    Binary,
}
