// The content-derived Nats-Msg-Id that lets independent bridges publish the same event and JetStream keep one copy.
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PusherWire.Bridge.Nats;

/// <summary>
/// Derives an event's <c>Nats-Msg-Id</c> from its content alone, so two bridges that receive the same event compute the
/// same id without talking to each other, and JetStream's duplicate window stores it once.
/// </summary>
/// <remarks>
/// The id is the first 128 bits of SHA-256 over the channel, the event name and the data bytes (each prefixed with its
/// length, so no two different triples hash the same input), as 32 lower-case hex digits. The consequence: two
/// genuinely different events with byte-identical channel, name and data that arrive within the stream's duplicate
/// window are stored once. ChatApp payloads carry message ids and timestamps, so this does not happen for them; for
/// other Pusher apps see docs/scale-out.md (choose the window, or add a unique field to the payload).
/// </remarks>
public static class NatsMessageIds
{
    /// <summary>The id for an event.</summary>
    /// <param name="channel">The channel name in UTF-8.</param>
    /// <param name="eventName">The event name in UTF-8.</param>
    /// <param name="data">The event data exactly as received.</param>
    /// <returns>32 lower-case hex digits.</returns>
    public static string Compute(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        int length = 12 + channel.Length + eventName.Length + data.Length;
        byte[]? rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        try
        {
            int at = Write(input, 0, channel);
            at = Write(input, at, eventName);
            Write(input, at, data);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(input, hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The id for an event given as strings (the channel and name are hashed as UTF-8).</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="data">The event data exactly as received.</param>
    /// <returns>32 lower-case hex digits.</returns>
    public static string Compute(string channel, string eventName, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(eventName);
        return Compute(System.Text.Encoding.UTF8.GetBytes(channel), System.Text.Encoding.UTF8.GetBytes(eventName), data);
    }

    private static int Write(Span<byte> input, int at, ReadOnlySpan<byte> part)
    {
        BinaryPrimitives.WriteInt32BigEndian(input[at..], part.Length);
        part.CopyTo(input[(at + 4)..]);
        return at + 4 + part.Length;
    }
}
