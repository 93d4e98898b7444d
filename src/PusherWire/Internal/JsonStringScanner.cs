using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using System.Text.Unicode;

namespace PusherWire.Internal;

/// <summary>
/// Validates and unescapes one JSON string body in a single pass, for Pusher's <c>data</c> field (JSON inside a JSON
/// string, so an escape comes every few bytes).
/// </summary>
/// <remarks>
/// <see cref="System.Text.Json.Utf8JsonReader"/> validates an escaped string byte by byte, and unescaping walks it a
/// second time; on the ~1 KB ChatApp <c>message</c> frame those two passes were about 70 % of parse + route. Here one
/// 16-byte compare finds the next quote, backslash or control byte, one 16-byte store copies the run before it.
/// <para>
/// It accepts a strict subset of what the reader plus <c>CopyString</c> accept (JSON escapes, no raw control bytes, no
/// lone surrogates, valid UTF-8) and declines anything else, so the caller falls back to the reader, whose behaviour
/// (including its errors) is then exactly what it was. Being fast only has to be right when it says yes.
/// </para>
/// </remarks>
internal static class JsonStringScanner
{
    /// <summary>
    /// Scans the string whose opening quote is at <paramref name="quote"/> in <paramref name="message"/>.
    /// </summary>
    /// <param name="message">The whole message.</param>
    /// <param name="quote">The index of the opening quote.</param>
    /// <param name="destination">Where the unescaped value goes; at least as long as the rest of the message.</param>
    /// <param name="written">The unescaped length.</param>
    /// <param name="end">The index just past the closing quote.</param>
    /// <returns>False when the string is anything but plain, valid JSON text (the caller falls back to the reader).</returns>
    public static bool TryUnescape(ReadOnlySpan<byte> message, int quote, Span<byte> destination, out int written, out int end)
    {
        written = 0;
        end = 0;
        ReadOnlySpan<byte> source = message[(quote + 1)..];
        if (destination.Length < source.Length)
        {
            return false;
        }

        // Unsafe refs: this loop runs once per escape, and bounds checks were a large share of it. Every read is at an
        // index below sourceLength and every write below the current read index (unescaping never lengthens), which
        // destination.Length >= source.Length covers; the 16-byte loads and stores check their own room first.
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length, read = 0, w = 0;
        Vector128<byte> quoteVector = Vector128.Create((byte)'"');
        Vector128<byte> backslash = Vector128.Create((byte)'\\');
        Vector128<byte> space = Vector128.Create((byte)0x20);
        while (true)
        {
            if (Vector128.IsHardwareAccelerated && length - read >= (nuint)Vector128<byte>.Count)
            {
                Vector128<byte> chunk = Vector128.LoadUnsafe(ref src, read);
                Vector128<byte> isQuote = Vector128.Equals(chunk, quoteVector);
                Vector128<byte> isBackslash = Vector128.Equals(chunk, backslash);
                Vector128<byte> isControl = Vector128.LessThan(chunk, space);
                uint mask = (isQuote | isBackslash | isControl).ExtractMostSignificantBits();
                if (mask == 0)
                {
                    chunk.StoreUnsafe(ref dst, w);
                    read += (nuint)Vector128<byte>.Count;
                    w += (nuint)Vector128<byte>.Count;
                    continue;
                }

                if (Ssse3.IsSupported && EscapeCompactor.TryChunk(chunk, isQuote, isBackslash, isControl, ref dst, ref read, ref w))
                {
                    continue; // only \" \\ \/ escapes in these 16 bytes: unescaped without a branch per escape
                }

                chunk.StoreUnsafe(ref dst, w);

                nuint run = (nuint)BitOperations.TrailingZeroCount(mask);
                read += run;
                w += run;
            }
            else
            {
                // The tail (or no SIMD): byte by byte.
                while (read < length && Unsafe.Add(ref src, read) is not ((byte)'"' or (byte)'\\' or < 0x20))
                {
                    Unsafe.Add(ref dst, w++) = Unsafe.Add(ref src, read++);
                }

                if (read >= length)
                {
                    return false; // no closing quote
                }
            }

            byte b = Unsafe.Add(ref src, read);
            if (b == (byte)'"')
            {
                written = (int)w;
                end = quote + 1 + (int)read + 1;
                // Raw bytes were copied as they came; text frames are UTF-8-validated by the socket, this keeps the
                // parser honest for any other source (custom sockets, the fuzzer).
                return Utf8.IsValid(destination[..written]);
            }

            if (b != (byte)'\\' || read + 1 >= length)
            {
                return false; // a raw control byte, or a backslash at the very end
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
                (byte)'u' => 0,
                _ => 1, // not a JSON escape
            };
            if (unescaped == 1)
            {
                return false;
            }

            if (unescaped != 0)
            {
                Unsafe.Add(ref dst, w++) = unescaped;
                read += 2;
                continue;
            }

            if (!TryUnicodeEscape(source, ref read, destination, ref w))
            {
                return false;
            }
        }
    }

    /// <summary>Decodes <c>\uXXXX</c> (a surrogate pair as two escapes) at <paramref name="read"/> into UTF-8.</summary>
    private static bool TryUnicodeEscape(ReadOnlySpan<byte> source, ref nuint read, Span<byte> destination, ref nuint w)
    {
        int i = (int)read;
        if (i + 6 <= source.Length && source[i + 2] == '0' && source[i + 3] == '0')
        {
            // \u00XX for an ASCII character, written as that byte: System.Text.Json's default encoder writes '"', '<',
            // '>', '&', '\'', '+' and controls this way, so a .NET-produced frame has one every few bytes. (What the
            // general path below does for them too, without the hex loop and the Rune.)
            int high = HexValue(source[i + 4]), low = HexValue(source[i + 5]);
            if (high < 8 && low < 16)
            {
                destination[(int)w] = (byte)((high << 4) | low);
                w++;
                read += 6;
                return true;
            }
        }

        if (!TryHex4(source, i + 2, out int unit))
        {
            return false;
        }

        int consumed = 6;
        int codePoint = unit;
        if (unit is >= 0xD800 and <= 0xDBFF)
        {
            if (i + 12 > source.Length || source[i + 6] != '\\' || source[i + 7] != 'u' || !TryHex4(source, i + 8, out int low) || low is < 0xDC00 or > 0xDFFF)
            {
                return false; // a lone high surrogate
            }

            codePoint = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            consumed = 12;
        }
        else if (unit is >= 0xDC00 and <= 0xDFFF)
        {
            return false; // a lone low surrogate
        }

        if (!new Rune(codePoint).TryEncodeToUtf8(destination[(int)w..], out int bytes))
        {
            return false;
        }

        w += (nuint)bytes;
        read += (nuint)consumed;
        return true;
    }

    private static bool TryHex4(ReadOnlySpan<byte> source, int start, out int value)
    {
        value = 0;
        if (start + 4 > source.Length)
        {
            return false;
        }

        for (int k = start; k < start + 4; k++)
        {
            int digit = HexValue(source[k]);
            if (digit > 15)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    /// <summary>The value of a hex digit, or a number above 15 for any other byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => 16,
    };
}
