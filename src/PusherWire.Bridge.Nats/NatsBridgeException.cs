// The bridge's own failures (start-up: the stream cannot be created or checked).
namespace PusherWire.Bridge.Nats;

/// <summary>The bridge could not start: the stream is missing, unreachable, or cannot be created.</summary>
public class NatsBridgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NatsBridgeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public NatsBridgeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public NatsBridgeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
