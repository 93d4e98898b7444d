// Thrown at start when the stream exists with settings the bridge does not expect.
namespace PusherWire.Bridge.Nats;

/// <summary>The stream exists with settings that differ from <see cref="NatsStreamSettings"/>; every difference is listed.</summary>
public sealed class NatsStreamMismatchException : NatsBridgeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="differences">One line per differing setting ("duplicate window: stream has 00:02:00, bridge expects 00:05:00").</param>
    public NatsStreamMismatchException(string stream, IReadOnlyList<string> differences)
        : base($"Stream '{stream}' exists with settings the bridge does not expect: {string.Join("; ", differences ?? [])}. "
               + "Change the bridge's stream settings to match, or edit the stream (nats stream edit), or use another stream name.")
    {
        Stream = stream;
        Differences = differences ?? [];
    }

    /// <summary>Creates the exception.</summary>
    public NatsStreamMismatchException()
        : this("", [])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What differs.</param>
    public NatsStreamMismatchException(string message)
        : this("", [message])
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What differs.</param>
    /// <param name="innerException">The cause.</param>
    public NatsStreamMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        Stream = "";
        Differences = [message];
    }

    /// <summary>The stream name.</summary>
    public string Stream { get; }

    /// <summary>Each differing setting, one line each.</summary>
    public IReadOnlyList<string> Differences { get; }
}
