// A FakeTimeProvider that tells a test when code under test has created a timer (so it can advance the clock then).
using Microsoft.Extensions.Time.Testing;

namespace PusherWire.ChatApp.Tests.Tokens;

/// <summary>FakeTimeProvider plus a count of created timers that tests can wait for.</summary>
internal sealed class SignallingTimeProvider : FakeTimeProvider, IDisposable
{
    private readonly SemaphoreSlim _created = new(0);
    private int _waited;

    public SignallingTimeProvider() : base(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Release();
        return timer;
    }

    public void Dispose() => _created.Dispose();

    /// <summary>Waits until <paramref name="count"/> timers in all have been created.</summary>
    public async Task WaitForTimersAsync(int count, CancellationToken cancellationToken)
    {
        while (_waited < count)
        {
            await _created.WaitAsync(cancellationToken);
            _waited++;
        }
    }
}
