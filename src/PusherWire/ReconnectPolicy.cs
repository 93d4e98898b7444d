namespace PusherWire;

/// <summary>
/// How the client waits between reconnect attempts. The delay for attempt <c>n</c> (0-based, counted since the
/// connection was last healthy) is <c>min(MaxDelay, InitialDelay * Multiplier^n)</c>, of which a random share of up
/// to <see cref="JitterRatio"/> is taken off so that many clients dropped at once do not return in lockstep.
/// Close codes 4200-4299 ("reconnect immediately") use no delay on the first attempt, as pusher-js does.
/// </summary>
public sealed record ReconnectPolicy
{
    /// <summary>The delay before the first retry after a failure. Default 1 s (pusher-js waits a fixed 1 s).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The growth factor per consecutive failed attempt. Default 2.</summary>
    public double Multiplier { get; init; } = 2;

    /// <summary>The upper bound on any delay. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of the delay (0..1) that is randomised away. Default 0.5: each delay is 50-100 % of its nominal value.</summary>
    public double JitterRatio { get; init; } = 0.5;

    /// <summary>
    /// How long a connection must stay connected before the attempt counter resets, so that a server that accepts
    /// and then drops at once cannot hold the client in a tight loop. Default 30 s.
    /// </summary>
    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most consecutive failed attempts before giving up (state <see cref="ConnectionState.Failed"/>); null retries forever (default, like pusher-js).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The random source used for jitter, returning values in [0, 1). Null uses <see cref="Random.Shared"/>. Inject a fixed one for deterministic tests.</summary>
    public Func<double>? RandomSource { get; init; }

    /// <summary>Returns the delay before attempt <paramref name="attempt"/> (0-based).</summary>
    /// <param name="attempt">How many attempts have failed in a row since the connection was last healthy.</param>
    /// <param name="immediate">True for "reconnect immediately" causes (close codes 4200-4299).</param>
    public TimeSpan GetDelay(int attempt, bool immediate)
    {
        if (immediate && attempt == 0)
        {
            return TimeSpan.Zero;
        }

        double exponent = Math.Min(Math.Max(immediate ? attempt - 1 : attempt, 0), 62);
        double nominal = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, exponent));
        double random = (RandomSource ?? Random.Shared.NextDouble)();
        double jitter = Math.Clamp(JitterRatio, 0, 1) * Math.Clamp(random, 0, 1);
        return TimeSpan.FromMilliseconds(nominal * (1 - jitter));
    }
}
