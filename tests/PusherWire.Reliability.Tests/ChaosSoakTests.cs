// The chaos soak as tests: a short fixed-seed run in the normal suite, a long explicit one; a failure prints its seed.
using System.Globalization;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// Runs <see cref="ChaosSoak"/>. Replay a failure with its seed: <c>PUSHERWIRE_CHAOS_SEED=&lt;seed&gt; dotnet test
/// tests/PusherWire.Reliability.Tests -c Release --filter "FullyQualifiedName~Chaos"</c> (add
/// <c>PUSHERWIRE_CHAOS_FAULTS=&lt;n&gt;</c> to change the length).
/// </summary>
public class ChaosSoakTests
{
    /// <summary>The suite's seed: fixed, so CI runs the same fault sequence every time.</summary>
    private const int SuiteSeed = 1202;

    [Test, CancelAfter(240_000)]
    public Task Chaos_FixedSeed_150Faults_EveryInvariantHolds(CancellationToken ct) =>
        RunAsync(Setting("PUSHERWIRE_CHAOS_SEED") ?? SuiteSeed, Setting("PUSHERWIRE_CHAOS_FAULTS") ?? 150, ct);

    [Test, CancelAfter(240_000)]
    public Task Chaos_FixedSeed_150Faults_ReceivingOnThePool_EveryInvariantHolds(CancellationToken ct) =>
        RunAsync(Setting("PUSHERWIRE_CHAOS_SEED") ?? SuiteSeed, Setting("PUSHERWIRE_CHAOS_FAULTS") ?? 150, ct, dedicatedReceiveThread: false);

    [Test, Explicit("Long chaos soak (minutes); run it by name, see docs/reliability.md."), CancelAfter(3 * 3600 * 1000)]
    public Task Chaos_Long_RandomSeed_EveryInvariantHolds(CancellationToken ct) =>
        RunAsync(Setting("PUSHERWIRE_CHAOS_SEED") ?? Random.Shared.Next(), Setting("PUSHERWIRE_CHAOS_FAULTS") ?? 2000, ct);

    private static async Task RunAsync(int seed, int faults, CancellationToken ct, bool dedicatedReceiveThread = true)
    {
        TestContext.Out.WriteLine($"chaos soak: seed {seed}, {faults} faults, {(dedicatedReceiveThread ? "dedicated receive thread" : "receiving on the pool")} (replay: PUSHERWIRE_CHAOS_SEED={seed} PUSHERWIRE_CHAOS_FAULTS={faults})");
        ChaosSoak.Result result;
        try
        {
            result = await ChaosSoak.RunAsync(seed, faults, ct, dedicatedReceiveThread);
        }
        catch (Exception e) when (e is not SuccessException)
        {
            Assert.Fail($"chaos soak failed with seed {seed} (replay: PUSHERWIRE_CHAOS_SEED={seed} PUSHERWIRE_CHAOS_FAULTS={faults}): {e.Message}\n{e}");
            throw;
        }

        TestContext.Out.WriteLine(result.ToString());
        Assert.That(result.EventsDelivered, Is.GreaterThan(0));
    }

    private static int? Setting(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
}
