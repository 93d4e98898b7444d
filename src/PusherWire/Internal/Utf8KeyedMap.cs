using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PusherWire.Internal;

/// <summary>
/// A string-keyed map stored and searched by the key's UTF-8 bytes: the receive path looks a channel or event name up
/// straight from the frame's bytes (no decoding, no allocation), and adding or removing one key is O(1) however many
/// there are. Reads take no lock; writers that must check-then-act hold their own lock around the pair of calls.
/// </summary>
internal sealed class Utf8KeyedMap<T>
{
    private const int StackLimit = 256;

    private readonly ConcurrentDictionary<byte[], T> _items = new(Utf8KeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], T>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public Utf8KeyedMap() => _lookup = _items.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>True when the map holds no key (cheap: no lock, unlike Count).</summary>
    public bool IsEmpty => _items.IsEmpty;

    /// <summary>How many keys; takes the dictionary's locks, so not for the receive path.</summary>
    public int Count => _items.Count;

    /// <summary>A snapshot of the values.</summary>
    public IReadOnlyCollection<T> Values => [.. _items.Select(static pair => pair.Value)];

    public bool TryGetValue(ReadOnlySpan<byte> utf8Key, [MaybeNullWhen(false)] out T value) => _lookup.TryGetValue(utf8Key, out value);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> bytes = max <= StackLimit ? stackalloc byte[StackLimit] : new byte[max];
        int length = Encoding.UTF8.GetBytes(key, bytes);
        return _lookup.TryGetValue(bytes[..length], out value);
    }

    /// <summary>Adds or replaces the value under <paramref name="key"/>.</summary>
    public void Set(string key, T value) => _items[Encoding.UTF8.GetBytes(key)] = value;

    /// <summary>Removes every key.</summary>
    public void Clear() => _items.Clear();

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public bool Remove(string key)
    {
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> bytes = max <= StackLimit ? stackalloc byte[StackLimit] : new byte[max];
        int length = Encoding.UTF8.GetBytes(key, bytes);
        return _lookup.TryRemove(bytes[..length], out _, out _);
    }

    /// <summary>Byte-wise equality and a (per-process randomized) hash of the bytes, for arrays and spans alike.</summary>
    private sealed class Utf8KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8KeyComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
