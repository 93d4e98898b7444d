// The JetStream stream a bridge publishes to: the settings it creates it with, or expects an existing one to have.
using NATS.Client.JetStream.Models;

namespace PusherWire.Bridge.Nats;

/// <summary>
/// The stream a <see cref="NatsBridge"/> publishes to. At start the bridge creates it with these settings (subjects
/// <c>{SubjectPrefix}.&gt;</c>), or, when it exists, checks that it agrees and fails with
/// <see cref="NatsStreamMismatchException"/> naming every difference.
/// </summary>
public sealed record NatsStreamSettings
{
    /// <summary>Stream name (default <c>PUSHER</c>).</summary>
    public string Name { get; init; } = "PUSHER";

    /// <summary>
    /// JetStream's duplicate window: the time within which a <c>Nats-Msg-Id</c> is remembered (default 2 minutes).
    /// It must exceed the longest time a bridge may hold an event before its publish is acknowledged (a NATS outage it
    /// rides out), or active-active bridges store that event twice; and byte-identical events inside it are stored
    /// once (<see cref="NatsMessageIds"/>). docs/scale-out.md explains the choice.
    /// </summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the stream keeps events (default 7 days; <see cref="TimeSpan.Zero"/> = forever).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Retention (default <see cref="StreamConfigRetention.Limits"/>: workers' durable consumers read without removing).</summary>
    public StreamConfigRetention Retention { get; init; } = StreamConfigRetention.Limits;

    /// <summary>Storage (default <see cref="StreamConfigStorage.File"/>, which survives a server restart).</summary>
    public StreamConfigStorage Storage { get; init; } = StreamConfigStorage.File;

    /// <summary>Replicas in a NATS cluster (default 1; 3 in a three-node cluster survives the loss of a node).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Create the stream when it does not exist (default true). When false a missing stream fails the start.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Checks every setting; the message names the property.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        NatsBridgeOptions.Require(!string.IsNullOrEmpty(Name) && Name.All(c => c > ' ' && c < 0x7F && c != '.' && c != '*' && c != '>' && c != '/' && c != '\\'), "Stream.Name", "must be printable ASCII without spaces, '.', '*', '>', '/' or '\\'");
        NatsBridgeOptions.Require(DuplicateWindow > TimeSpan.Zero, "Stream.DuplicateWindow", "must be above zero");
        NatsBridgeOptions.Require(MaxAge >= TimeSpan.Zero, "Stream.MaxAge", "must not be negative");
        NatsBridgeOptions.Require(MaxAge == TimeSpan.Zero || DuplicateWindow <= MaxAge, "Stream.DuplicateWindow", "must not exceed Stream.MaxAge");
        NatsBridgeOptions.Require(Replicas is >= 1 and <= 5, "Stream.Replicas", "must be between 1 and 5");
    }
}
