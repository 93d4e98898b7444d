using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
                reader.Read();
                if (name.SequenceEqual("event"u8))
                {
                    if (!TryReadString(ref reader, message, scratch, ref scratchUsed, out eventName))
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

                    if (!TryReadString(ref reader, message, scratch, ref scratchUsed, out channel))
                    {
                        error = "'channel' is not a string";
                        return false;
                    }

                    hasChannel = true;
                }
                else if (name.SequenceEqual("data"u8))
                {
                    data = ReadData(ref reader, message, scratch, ref scratchUsed);
                }
                else if (name.SequenceEqual("user_id"u8))
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        TryReadString(ref reader, message, scratch, ref scratchUsed, out userId);
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

    private static bool TryReadString(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> message, Span<byte> scratch, scoped ref int scratchUsed, out ReadOnlySpan<byte> value)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            value = default;
            return false;
        }

        value = Unescape(ref reader, scratch, ref scratchUsed);
        return true;
    }

    private static ReadOnlySpan<byte> ReadData(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> message, Span<byte> scratch, scoped ref int scratchUsed)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Unescape(ref reader, scratch, ref scratchUsed);
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

    private static ReadOnlySpan<byte> Unescape(scoped ref Utf8JsonReader reader, Span<byte> scratch, scoped ref int scratchUsed)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        // Unescaped text is never longer than its escaped form, so scratch of message length always suffices.
        Span<byte> destination = scratch[scratchUsed..];
        int written = reader.HasValueSequence ? -1 : UnescapeValidated(reader.ValueSpan, destination);
        if (written < 0)
        {
            written = reader.CopyString(destination);
        }

        ReadOnlySpan<byte> value = scratch.Slice(scratchUsed, written);
        scratchUsed += written;
        return value;
    }

    /// <summary>
    /// Unescapes the body of a JSON string that <see cref="Utf8JsonReader"/> has already validated, for every escape but
    /// <c>\u</c>: returns -1 at the first <c>\u</c> so the caller falls back to <see cref="Utf8JsonReader.CopyString(Span{byte})"/>.
    /// </summary>
    /// <remarks>
    /// Pusher's <c>data</c> is JSON inside a JSON string, so an escaped quote comes every few bytes. CopyString looks for
    /// each next backslash with a separate IndexOf call and copies each run with a separate Memmove; here one 16-byte
    /// compare and one 16-byte store cover a run (the store may write past the run; those bytes are overwritten next).
    /// The profile of the ~1 KB message frame showed CopyString at about a third of parse + route.
    /// </remarks>
    /// <returns>Bytes written, or -1 when the string holds a <c>\u</c> escape.</returns>
    internal static int UnescapeValidated(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        // Unsafe refs instead of span slicing: this loop runs once per escape, and the bounds checks were a large
        // share of it. Every access is guarded by the length checks below.
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        nuint sourceLength = (nuint)source.Length, destinationLength = (nuint)destination.Length;
        nuint read = 0, written = 0;
        Vector128<byte> backslash = Vector128.Create((byte)'\\');
        while (true)
        {
            nuint run;
            if (Vector128.IsHardwareAccelerated && sourceLength - read >= (nuint)Vector128<byte>.Count && destinationLength - written >= (nuint)Vector128<byte>.Count)
            {
                Vector128<byte> chunk = Vector128.LoadUnsafe(ref src, read);
                chunk.StoreUnsafe(ref dst, written);
                uint backslashes = Vector128.Equals(chunk, backslash).ExtractMostSignificantBits();
                if (backslashes == 0)
                {
                    read += (nuint)Vector128<byte>.Count;
                    written += (nuint)Vector128<byte>.Count;
                    continue;
                }

                run = (nuint)BitOperations.TrailingZeroCount(backslashes);
            }
            else
            {
                int found = source[(int)read..].IndexOf((byte)'\\');
                if (found < 0)
                {
                    source[(int)read..].CopyTo(destination[(int)written..]);
                    return (int)(written + sourceLength - read);
                }

                run = (nuint)found;
                source.Slice((int)read, found).CopyTo(destination[(int)written..]);
            }

            read += run;
            written += run;

            // The reader validated the string: a backslash is always followed by a valid escape character.
            if (read + 1 >= sourceLength || written >= destinationLength)
            {
                return -1;
            }

            byte unescaped = Unsafe.Add(ref src, read + 1) switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                _ => 0, // 'u': UTF-16 code units and surrogate pairs are CopyString's job
            };
            if (unescaped == 0)
            {
                return -1;
            }

            Unsafe.Add(ref dst, written) = unescaped;
            written++;
            read += 2;
        }
    }
}
