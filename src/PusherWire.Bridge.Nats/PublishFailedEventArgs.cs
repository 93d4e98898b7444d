// Payload of NatsBridge.PublishFailed: one failed publish attempt that will be retried.
namespace PusherWire.Bridge.Nats;

/// <summary>A publish attempt failed (NATS unreachable, no ack in time, a JetStream error); the event stays queued and is retried.</summary>
public sealed class PublishFailedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="channel">The event's channel.</param>
    /// <param name="eventName">The event's name.</param>
    /// <param name="attempt">Attempts made so far for this event (1 after the first failure).</param>
    /// <param name="retryDelay">The wait before the next attempt.</param>
    /// <param name="error">What failed.</param>
    public PublishFailedEventArgs(string channel, string eventName, int attempt, TimeSpan retryDelay, Exception error)
    {
        Channel = channel;
        EventName = eventName;
        Attempt = attempt;
        RetryDelay = retryDelay;
        Error = error;
    }

    /// <summary>The event's channel.</summary>
    public string Channel { get; }

    /// <summary>The event's name.</summary>
    public string EventName { get; }

    /// <summary>Attempts made so far for this event.</summary>
    public int Attempt { get; }

    /// <summary>The wait before the next attempt.</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>What failed.</summary>
    public Exception Error { get; }
}
