using System.Buffers.Text;

namespace PusherWire.LoadRunners;

/// <summary>
/// One pre-encoded publish frame (data JSON-encoded as a string, exactly as <see cref="PusherTestServer.EncodeEvent"/>
/// writes it) that carries a sequence number, so a load run can send the same bytes many times and still tell the
/// events apart. The payload gets one extra leading field, <c>"seq":"#0000000000"</c> (20 bytes plus escaping), whose ten
/// digits are patched in place before each send: no allocation and no re-encoding per event.
/// </summary>
public sealed class SequencedFrame
{
    private const int Digits = 10;
    private static readonly byte[] Placeholder = "#0000000000"u8.ToArray();
    private readonly byte[] _bytes;
    private readonly int _digitsAt;

    /// <summary>Encodes the frame for <paramref name="eventName"/> on <paramref name="channelName"/>.</summary>
    /// <param name="channelName">The channel the event is published on.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="payloadJson">The event data: a JSON object (e.g. a ChatApp sample payload).</param>
    /// <exception cref="ArgumentException"><paramref name="payloadJson"/> is not a JSON object or already holds the placeholder.</exception>
    public SequencedFrame(string channelName, string eventName, string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        _bytes = PusherTestServer.EncodeEvent(channelName, eventName, WithSequenceField(payloadJson));
        int at = _bytes.AsSpan().IndexOf(Placeholder);
        if (at < 0 || _bytes.AsSpan(at + 1).IndexOf(Placeholder) >= 0)
        {
            throw new ArgumentException("The payload must not contain the sequence placeholder itself.", nameof(payloadJson));
        }

        _digitsAt = at + 1;
    }

    /// <summary>The whole frame; its content changes with every <see cref="SetSequence"/>.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>The frame length in bytes (fixed: the sequence is zero-padded).</summary>
    public int Length => _bytes.Length;

    /// <summary>Writes <paramref name="sequence"/> into the frame, zero-padded to ten digits.</summary>
    public void SetSequence(int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        Span<byte> digits = _bytes.AsSpan(_digitsAt, Digits);
        for (int i = Digits - 1; i >= 0; i--)
        {
            digits[i] = (byte)('0' + (sequence % 10));
            sequence /= 10;
        }
    }

    /// <summary>
    /// Reads the sequence number back from a received event: works on the event's unescaped data
    /// (<see cref="PusherEvent.Data"/>) and on the raw frame alike, since the digits never need escaping.
    /// </summary>
    public static bool TryReadSequence(ReadOnlySpan<byte> message, out int sequence)
    {
        sequence = -1;
        int seq = message.IndexOf("seq"u8);
        if (seq < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = message[seq..];
        int hash = rest.IndexOf((byte)'#');
        return hash >= 0 && rest.Length >= hash + 1 + Digits
            && Utf8Parser.TryParse(rest.Slice(hash + 1, Digits), out sequence, out int consumed) && consumed == Digits;
    }

    /// <summary>Adds <c>"seq":"#0000000000"</c> as the first field of a JSON object.</summary>
    public static string WithSequenceField(string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        string trimmed = payloadJson.Trim();
        if (trimmed.Length < 2 || trimmed[0] != '{' || trimmed[^1] != '}')
        {
            throw new ArgumentException("The payload must be a JSON object.", nameof(payloadJson));
        }

        string rest = trimmed[1..].TrimStart();
        return rest.StartsWith('}') ? """{"seq":"#0000000000"}""" : """{"seq":"#0000000000",""" + rest;
    }
}
