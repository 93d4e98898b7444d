using System.Buffers;
using System.Text;

namespace PusherWire.Internal;

/// <summary>
/// An immutable string-keyed table that can be searched with a UTF-8 key without allocating: the key is decoded into
/// a stack buffer and looked up through the dictionary's span-based alternate lookup. Writers replace the whole table
/// (copy-on-write), so readers on the receive path never lock.
/// </summary>
internal sealed class Utf8KeyedTable<T>
{
    private const int StackLimit = 256;

    public static readonly Utf8KeyedTable<T> Empty = new(new Dictionary<string, T>(StringComparer.Ordinal));

    private readonly Dictionary<string, T> _items;
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private Utf8KeyedTable(Dictionary<string, T> items)
    {
        _items = items;
        _lookup = items.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _items.Count;

    public IEnumerable<T> Values => _items.Values;

    public bool TryGetValue(string key, out T value) => _items.TryGetValue(key, out value!);

    public bool TryGetValue(ReadOnlySpan<byte> utf8Key, out T value)
    {
        if (_items.Count == 0)
        {
            value = default!;
            return false;
        }

        int maxChars = utf8Key.Length; // UTF-8 never decodes to more chars than bytes
        char[]? rented = null;
        Span<char> chars = maxChars <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(maxChars));
        try
        {
            int length = Encoding.UTF8.GetChars(utf8Key, chars);
            return _lookup.TryGetValue(chars[..length], out value!);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    public Utf8KeyedTable<T> With(string key, T value)
    {
        var copy = new Dictionary<string, T>(_items, StringComparer.Ordinal) { [key] = value };
        return new Utf8KeyedTable<T>(copy);
    }

    public Utf8KeyedTable<T> Without(string key)
    {
        if (!_items.ContainsKey(key))
        {
            return this;
        }

        var copy = new Dictionary<string, T>(_items, StringComparer.Ordinal);
        copy.Remove(key);
        return new Utf8KeyedTable<T>(copy);
    }
}
