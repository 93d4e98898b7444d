// A condition wait for state changed on other threads, shared by the test projects (no polling, no sleeps).
namespace PusherWire.Tests.Shared;

/// <summary>Condition waits without polling or sleeping: every change pulses, every waiter re-checks.</summary>
internal sealed class Signal
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitAsync(Func<bool> condition, CancellationToken ct)
    {
        while (true)
        {
            Task changed = Volatile.Read(ref _changed).Task;
            if (condition())
            {
                return;
            }

            await changed.WaitAsync(ct);
        }
    }
}
