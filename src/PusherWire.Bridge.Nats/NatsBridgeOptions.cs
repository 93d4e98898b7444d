// Settings of a NatsBridge: subjects, the stream it checks or creates, the retry queue and its limits.
using System.Text;

namespace PusherWire.Bridge.Nats;

/// <summary>Settings of a <see cref="NatsBridge"/>. Immutable; derive variants with <c>with</c>.</summary>
public sealed record NatsBridgeOptions
{
    /// <summary>The defaults: prefix <c>pusher</c>, stream <c>PUSHER</c> (see <see cref="NatsStreamSettings"/>).</summary>
    public static readonly NatsBridgeOptions Default = new();

    /// <summary>Subject prefix before the channel tokens (default <c>pusher</c>; ChatApp deployments use <c>chatapp</c>).</summary>
    public string SubjectPrefix { get; init; } = "pusher";

    /// <summary>The stream the bridge publishes to, created or checked at start.</summary>
    public NatsStreamSettings Stream { get; init; } = new();

    /// <summary>
    /// Most events waiting for a publish-ack, including the ones being published (default 100,000). Beyond it
    /// <see cref="OverflowPolicy"/> decides which event is dropped; drops are counted and reported.
    /// </summary>
    public int MaxQueuedEvents { get; init; } = 100_000;

    /// <summary>Most payload bytes waiting for a publish-ack (default 64 MiB); the same overflow policy applies.</summary>
    public long MaxQueuedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Which event is dropped when the queue is full (default <see cref="NatsBridgeOverflowPolicy.DropNewest"/>).</summary>
    public NatsBridgeOverflowPolicy OverflowPolicy { get; init; } = NatsBridgeOverflowPolicy.DropNewest;

    /// <summary>Most publishes awaiting an ack at once, across channels (default 256). Each channel has at most one, which keeps its order.</summary>
    public int MaxConcurrentPublishes { get; init; } = 256;

    /// <summary>How long one publish attempt waits for JetStream's ack before it is retried (default 5 s).</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait after a failed publish (default 100 ms); doubles per failed attempt up to <see cref="RetryDelayMax"/>.</summary>
    public TimeSpan RetryDelayMin { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between publish attempts (default 5 s). Attempts never stop while the bridge runs.</summary>
    public TimeSpan RetryDelayMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <see cref="NatsBridge.DisposeAsync"/> waits for queued events to be acknowledged (default 5 s).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A name for this bridge instance, sent in the <c>Pusher-Bridge</c> header (default none).</summary>
    public string? BridgeName { get; init; }

    /// <summary>The clock for receive times and retry waits (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every setting; the message names the property.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        try
        {
            NatsSubjects.ValidatePrefix(SubjectPrefix);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{nameof(SubjectPrefix)}: {e.Message[..e.Message.IndexOf(" (Parameter", StringComparison.Ordinal)]}", nameof(SubjectPrefix));
        }

        ArgumentNullException.ThrowIfNull(Stream, nameof(Stream));
        Stream.Validate();
        Require(MaxQueuedEvents > 0, nameof(MaxQueuedEvents), "must be above 0");
        Require(MaxQueuedBytes > 0, nameof(MaxQueuedBytes), "must be above 0");
        Require(Enum.IsDefined(OverflowPolicy), nameof(OverflowPolicy), "is not a known policy");
        Require(MaxConcurrentPublishes > 0, nameof(MaxConcurrentPublishes), "must be above 0");
        Require(PublishTimeout > TimeSpan.Zero, nameof(PublishTimeout), "must be above zero");
        Require(RetryDelayMin > TimeSpan.Zero, nameof(RetryDelayMin), "must be above zero");
        Require(RetryDelayMax >= RetryDelayMin, nameof(RetryDelayMax), "must be at least RetryDelayMin");
        Require(DrainTimeout >= TimeSpan.Zero, nameof(DrainTimeout), "must not be negative");
        Require(BridgeName is null || (BridgeName.Length > 0 && BridgeName.All(c => c >= ' ' && c < 0x7F)), nameof(BridgeName), "must be printable ASCII");
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    internal static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {problem}.", name);
        }
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SubjectPrefix = {SubjectPrefix}, Stream = {Stream}, MaxQueuedEvents = {MaxQueuedEvents}, MaxQueuedBytes = {MaxQueuedBytes}, ")
               .Append($"OverflowPolicy = {OverflowPolicy}, MaxConcurrentPublishes = {MaxConcurrentPublishes}, BridgeName = {BridgeName ?? "none"}");
        return true;
    }
}
