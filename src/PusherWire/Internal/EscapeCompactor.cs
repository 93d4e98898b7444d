using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PusherWire.Internal;

// Unescapes a 16-byte chunk of a JSON string whose only escapes are \" \\ and \/ in one shuffle, for JsonStringScanner.
/// <summary>
/// The data of a Pusher event is JSON inside a JSON string, so its quotes arrive as <c>\"</c> every few bytes. Taking
/// them one at a time costs a data-dependent branch each (the branch predictor cannot learn a real payload); here the
/// escaping backslashes of a whole chunk are dropped with one byte shuffle per half, from a table indexed by which
/// bytes stay.
/// </summary>
internal static class EscapeCompactor
{
    /// <summary>
    /// For each 8-bit "keep" mask, the shuffle that packs the kept bytes of an 8-byte half to its front (8 indices, one
    /// per byte of the ulong; unused slots point at byte 0, their output is overwritten or past the written length).
    /// </summary>
    private static readonly ulong[] PackHalf = BuildPackTable();

    /// <summary>
    /// Unescapes <paramref name="chunk"/> (the 16 source bytes at <paramref name="read"/>) to <paramref name="w"/> when
    /// every escape in it is <c>\"</c>, <c>\\</c> or <c>\/</c> and it holds no closing quote and no raw control byte;
    /// otherwise leaves everything as it was and returns false (the caller's byte-at-a-time path takes the chunk).
    /// </summary>
    /// <remarks>
    /// The caller guarantees 16 readable bytes at <paramref name="read"/> and 16 writable at <paramref name="w"/>
    /// (w &lt;= read and the destination is at least as long as the source).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryChunk(Vector128<byte> chunk, Vector128<byte> isQuote, Vector128<byte> isBackslash, Vector128<byte> isControl,
        ref byte dst, ref nuint read, ref nuint w)
    {
        uint backslashes = isBackslash.ExtractMostSignificantBits();
        if (isControl.ExtractMostSignificantBits() != 0 || backslashes == 0)
        {
            return false; // a raw control byte (declined there), or a closing quote with nothing escaped before it
        }

        // Which backslashes escape the byte after them: scanning left to right, an escaping backslash also consumes
        // the next byte, so the second of "\\\\" escapes nothing. Typically one or two per chunk.
        uint escapers = 0;
        uint pending = backslashes;
        while (pending != 0)
        {
            int at = BitOperations.TrailingZeroCount(pending);
            escapers |= 1u << at;
            pending &= ~(3u << at);
        }

        int length = 16;
        if ((escapers & 0x8000) != 0)
        {
            // The last byte escapes the first of the next chunk: leave it for the next chunk, which starts with it.
            escapers &= 0x7FFF;
            length = 15;
        }

        uint escaped = escapers << 1;
        uint quotes = isQuote.ExtractMostSignificantBits();
        uint simple = (isQuote | isBackslash | Vector128.Equals(chunk, Vector128.Create((byte)'/'))).ExtractMostSignificantBits();
        uint inRange = length == 16 ? 0xFFFFu : 0x7FFFu;
        if ((escaped & ~simple) != 0 || (quotes & ~escaped & inRange) != 0)
        {
            return false; // \b \f \n \r \t \uXXXX or not an escape at all, or the closing quote: byte at a time
        }

        uint keep = ~escapers & inRange;
        uint low = keep & 0xFF, high = keep >> 8;
        Vector128<byte> shuffle = Vector128.Create(PackHalf[low], PackHalf[high] + 0x0808080808080808UL).AsByte();
        Vector128<byte> packed = Ssse3.Shuffle(chunk, shuffle);
        packed.StoreUnsafe(ref dst, w);
        nuint lowCount = (nuint)BitOperations.PopCount(low);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, w + lowCount), packed.AsUInt64().GetElement(1));
        w += lowCount + (nuint)BitOperations.PopCount(high);
        read += (nuint)length;
        return true;
    }

    private static ulong[] BuildPackTable()
    {
        var table = new ulong[256];
        for (int keep = 0; keep < 256; keep++)
        {
            ulong shuffle = 0;
            int slot = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                if ((keep & (1 << bit)) != 0)
                {
                    shuffle |= (ulong)bit << (8 * slot++);
                }
            }

            table[keep] = shuffle;
        }

        return table;
    }
}
