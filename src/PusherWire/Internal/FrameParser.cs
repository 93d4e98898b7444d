using System.Text.Json;

namespace PusherWire.Internal;

/// <summary>
/// Parses a Pusher message <c>{"event": ..., "channel": ..., "data": ..., "user_id": ...}</c> with <see cref="Utf8JsonReader"/>
/// without allocating: every field is a span into the message, or into <c>scratch</c> when it had to be unescaped.
/// </summary>
internal static class FrameParser
{
    /// <summary>Limits nesting so a hostile frame cannot make the reader work without bound.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// A reader's state just after it read a value inside the top-level object. Parsing resumes from it after
    /// <see cref="JsonStringScanner"/> has consumed a <c>data</c> string itself, so the reader never re-validates it.
    /// </summary>
    private static readonly JsonReaderState AfterTopLevelValue = CaptureAfterTopLevelValue();

    /// <summary>Parses <paramref name="message"/>.</summary>
    /// <param name="message">One complete WebSocket text message.</param>
    /// <param name="scratch">At least <c>message.Length</c> bytes for unescaped fields.</param>
    /// <param name="frame">The fields, valid while <paramref name="message"/> and <paramref name="scratch"/> are.</param>
    /// <param name="error">Why parsing failed (a constant string, so failing allocates nothing either).</param>
    public static bool TryParse(ReadOnlySpan<byte> message, Span<byte> scratch, out ParsedFrame frame, out string? error)
    {
        frame = default;
        ReadOnlySpan<byte> eventName = default, channel = default, data = default, userId = default;
        bool hasEvent = false, hasChannel = false;
        int scratchUsed = 0;
        try
        {
            var reader = new Utf8JsonReader(message, ReaderOptions);
            int offset = 0; // where the current reader starts in the message (it is replaced after a scanned data string)
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the message is not a JSON object";
                return false;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                // Property names are compared raw; Pusher never escapes these four ASCII names.
                ReadOnlySpan<byte> name = reader.ValueSpan;
                if (name.SequenceEqual("data"u8) && TryScanDataString(message, offset + (int)reader.BytesConsumed, scratch, ref scratchUsed, out data, out int resume))
                {
                    offset = resume;
                    reader = new Utf8JsonReader(message[offset..], isFinalBlock: true, AfterTopLevelValue);
                    continue;
                }

                reader.Read();
                if (name.SequenceEqual("event"u8))
                {
                    if (!TryReadString(ref reader, message[offset..], scratch, ref scratchUsed, out eventName))
                    {
                        error = "'event' is not a string";
                        return false;
                    }

                    hasEvent = true;
                }
                else if (name.SequenceEqual("channel"u8))
                {
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (!TryReadString(ref reader, message[offset..], scratch, ref scratchUsed, out channel))
                    {
                        error = "'channel' is not a string";
                        return false;
                    }

                    hasChannel = true;
                }
                else if (name.SequenceEqual("data"u8))
                {
                    data = ReadData(ref reader, message[offset..], scratch, ref scratchUsed);
                }
                else if (name.SequenceEqual("user_id"u8))
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        TryReadString(ref reader, message[offset..], scratch, ref scratchUsed, out userId);
                    }
                    else if (reader.TokenType is JsonTokenType.Number)
                    {
                        userId = reader.ValueSpan;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            // Insist on a complete, single JSON value: trailing bytes mean a corrupt or concatenated frame.
            if (reader.CurrentDepth != 0 || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "the message is not a single complete JSON object";
                return false;
            }
        }
        catch (JsonException)
        {
            error = "the message is not valid JSON";
            return false;
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.CopyString throws this (not JsonException) for an escaped string holding invalid UTF-8,
            // which only a binary WebSocket message can carry (text messages are UTF-8-validated by the socket).
            error = "the message is not valid UTF-8 JSON";
            return false;
        }

        if (!hasEvent)
        {
            error = "the message has no 'event' field";
            return false;
        }

        frame = new ParsedFrame(eventName, channel, data, userId, hasChannel);
        error = null;
        return true;
    }

    /// <summary>
    /// The fast path for a <c>data</c> string: <paramref name="position"/> is just past the property name. Declines
    /// (false) for anything but a string that <see cref="JsonStringScanner"/> accepts; the reader then handles it.
    /// </summary>
    private static bool TryScanDataString(ReadOnlySpan<byte> message, int position, Span<byte> scratch, scoped ref int scratchUsed, out ReadOnlySpan<byte> data, out int resume)
    {
        data = default;
        resume = 0;
        int i = SkipWhitespace(message, position);
        if (i < message.Length && message[i] == (byte)':')
        {
            i = SkipWhitespace(message, i + 1);
        }

        if (i >= message.Length || message[i] != (byte)'"')
        {
            return false;
        }

        Span<byte> destination = scratch[scratchUsed..];
        if (!JsonStringScanner.TryUnescape(message, i, destination, out int written, out resume))
        {
            return false;
        }

        data = destination[..written];
        scratchUsed += written;
        return true;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> message, int i)
    {
        while (i < message.Length && message[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    private static JsonReaderState CaptureAfterTopLevelValue()
    {
        var reader = new Utf8JsonReader("{\"a\":0,"u8, isFinalBlock: false, new JsonReaderState(ReaderOptions));
        reader.Read(); // {
        reader.Read(); // "a"
        reader.Read(); // 0
        return reader.CurrentState;
    }

    private static bool TryReadString(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> message, Span<byte> scratch, scoped ref int scratchUsed, out ReadOnlySpan<byte> value)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            value = default;
            return false;
        }

        value = Unescape(ref reader, message, scratch, ref scratchUsed);
        return true;
    }

    private static ReadOnlySpan<byte> ReadData(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> message, Span<byte> scratch, scoped ref int scratchUsed)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Unescape(ref reader, message, scratch, ref scratchUsed);
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                return message[start..(int)reader.BytesConsumed];
            case JsonTokenType.Null:
                return default;
            default:
                return reader.ValueSpan;
        }
    }

    /// <summary>
    /// The value of a string token the reader has validated. <paramref name="window"/> is the span the reader reads.
    /// <see cref="JsonStringScanner"/> unescapes it in one pass; a string it declines (a lone surrogate or invalid UTF-8)
    /// goes to <see cref="Utf8JsonReader.CopyString(Span{byte})"/>, which throws for it as it always did.
    /// </summary>
    private static ReadOnlySpan<byte> Unescape(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> window, Span<byte> scratch, scoped ref int scratchUsed)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        // Unescaped text is never longer than its escaped form, so scratch of message length always suffices.
        Span<byte> destination = scratch[scratchUsed..];
        int written = !reader.HasValueSequence && JsonStringScanner.TryUnescape(window, (int)reader.TokenStartIndex, destination, out int scanned, out _)
            ? scanned
            : reader.CopyString(destination);
        ReadOnlySpan<byte> value = scratch.Slice(scratchUsed, written);
        scratchUsed += written;
        return value;
    }
}
