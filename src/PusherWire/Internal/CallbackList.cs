namespace PusherWire.Internal;

/// <summary>Copy-on-write callback arrays: binding is rare, invoking is per event and must not lock or allocate.</summary>
internal static class CallbackList
{
    public static IDisposable Add<T>(Lock gate, ref T[] list, T callback, Func<T, bool> remove)
        where T : class
    {
        lock (gate)
        {
            list = [.. list, callback];
        }

        return new ActionDisposable(() => remove(callback));
    }

    public static bool Remove<T>(Lock gate, ref T[] list, T callback)
        where T : class
    {
        lock (gate)
        {
            int index = Array.IndexOf(list, callback);
            if (index < 0)
            {
                return false;
            }

            var copy = new List<T>(list);
            copy.RemoveAt(index);
            list = [.. copy];
            return true;
        }
    }
}

/// <summary>Runs an action once on the first Dispose; the handle returned by Bind calls.</summary>
internal sealed class ActionDisposable(Action action) : IDisposable
{
    private Action? _action = action;

    public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
}
