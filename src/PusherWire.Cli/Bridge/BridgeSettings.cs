// Everything 'pusherwire bridge' needs, after argument validation.
using System.Text;
using PusherWire.Cli.Listen;

namespace PusherWire.Cli.Bridge;

/// <summary>The validated <c>bridge</c> command line: listen's connection and channels plus the NATS side.</summary>
internal sealed record BridgeSettings
{
    public required ListenSettings Listen { get; init; }

    public Uri Nats { get; init; } = new("nats://127.0.0.1:4222");

    public string Stream { get; init; } = "CHATAPP";

    public string SubjectPrefix { get; init; } = "chatapp";

    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromMinutes(2);

    public int MaxQueued { get; init; } = 100_000;

    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    public string? Name { get; init; }

    /// <summary>Exit 0 once this many events are received and acknowledged; null = run until Ctrl+C.</summary>
    public int? Count { get; init; }

    /// <summary>Exit 3 when this elapses first.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The NATS URL without user information (what may be printed).</summary>
    public string NatsForDisplay => new UriBuilder(Nats) { UserName = "", Password = "" }.Uri.ToString().TrimEnd('/');

    // Listen's settings print no secret; the NATS URL may carry a user and password.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Listen = {Listen}, Nats = {NatsForDisplay}, Stream = {Stream}, SubjectPrefix = {SubjectPrefix}");
        return true;
    }
}
