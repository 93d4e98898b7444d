// Thrown by TriggerAsync when a client event would exceed PusherOptions.ClientEventRateLimit.
namespace PusherWire;

/// <summary>
/// A client event was not sent: the client already sent <see cref="Limit"/> client events in the last second. Pusher
/// disconnects clients that exceed its rate (10 per second by default); failing fast here keeps the connection.
/// </summary>
public sealed class PusherRateLimitException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherRateLimitException(int limit)
        : base($"Client event not sent: the limit of {limit} client events per second (PusherOptions.ClientEventRateLimit) was reached.") => Limit = limit;

    /// <summary>Creates the exception.</summary>
    public PusherRateLimitException() { }

    /// <summary>Creates the exception.</summary>
    public PusherRateLimitException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherRateLimitException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The configured events per second.</summary>
    public int Limit { get; }
}
