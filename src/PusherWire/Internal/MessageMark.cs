namespace PusherWire.Internal;

/// <summary>
/// Marks where one WebSocket message ends in the receive pipe: the pipe carries bytes, the marks carry boundaries.
/// </summary>
/// <param name="Written">How many bytes of the message were written into the pipe.</param>
/// <param name="OversizedLength">For a message over the size limit, how many bytes it had (the pipe holds only a prefix); else -1.</param>
internal readonly record struct MessageMark(int Written, long OversizedLength)
{
    public bool IsOversized => OversizedLength >= 0;
}
