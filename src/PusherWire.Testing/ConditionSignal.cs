namespace PusherWire.Testing;

/// <summary>
/// Lets tests wait for a condition over state that changes on other threads, without polling or sleeping:
/// every change calls <see cref="Pulse"/>, every waiter re-checks its condition then.
/// </summary>
internal sealed class ConditionSignal
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task<T> WaitAsync<T>(Func<(bool Done, T Value)> check, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed = Volatile.Read(ref _changed).Task; // taken before the check, so no pulse is missed
            (bool done, T value) = check();
            if (done)
            {
                return value;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
