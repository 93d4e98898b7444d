// Test helpers for parity tests: awaitable collectors of .NET events and channel callbacks.
using System.Collections.Concurrent;

namespace PusherWire.Tests.Parity;

/// <summary>Collects items from any thread and lets a test wait until a condition holds over them.</summary>
internal sealed class Collector<T> : IDisposable
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly SemaphoreSlim _added = new(0);

    public IReadOnlyList<T> Items => [.. _items];

    public void Add(T item)
    {
        _items.Enqueue(item);
        _added.Release();
    }

    /// <summary>Waits until an item matching <paramref name="match"/> has arrived (earlier ones count) and returns it.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, CancellationToken ct)
    {
        while (true)
        {
            foreach (T item in _items)
            {
                if (match(item))
                {
                    return item;
                }
            }

            await _added.WaitAsync(ct);
        }
    }

    public void Dispose() => _added.Dispose();

    public Task<T> WaitForCountAsync(int count, CancellationToken ct) => WaitForAsync(_ => _items.Count >= count, ct);
}
