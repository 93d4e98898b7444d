namespace PusherWire;

/// <summary>The base of every error this library raises or reports.</summary>
public class PusherException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PusherException() { }

    /// <summary>Creates the exception with a message.</summary>
    public PusherException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PusherException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The server sent <c>pusher:error</c> or closed the socket with a Pusher close code (4000-4999).</summary>
public sealed class PusherServerErrorException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherServerErrorException(int? code, string serverMessage, CloseAction action)
        : base($"Pusher server error {(code is null ? "(no code)" : code.ToString())}: {LogSanitizer.Clean(serverMessage)} (action: {action})")
    {
        Code = code;
        ServerMessage = LogSanitizer.Clean(serverMessage);
        Action = action;
    }

    /// <summary>Creates the exception.</summary>
    public PusherServerErrorException() : this(null, "", CloseAction.Backoff) { }

    /// <summary>Creates the exception.</summary>
    public PusherServerErrorException(string message) : this(null, message, CloseAction.Backoff) { }

    /// <summary>Creates the exception.</summary>
    public PusherServerErrorException(string message, Exception? innerException) : base(message, innerException) { ServerMessage = message; }

    /// <summary>The Pusher error code, or null when the server sent none (e.g. a bad subscription signature).</summary>
    public int? Code { get; }

    /// <summary>The server's message with control characters removed.</summary>
    public string ServerMessage { get; } = "";

    /// <summary>What the client does about it, per the pusher-js close-code table.</summary>
    public CloseAction Action { get; }
}

/// <summary>A received frame was not a valid Pusher message. It was skipped; the connection stays up.</summary>
public sealed class PusherProtocolException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherProtocolException() { }

    /// <summary>Creates the exception.</summary>
    public PusherProtocolException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherProtocolException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>A received message exceeded <see cref="PusherOptions.MaxMessageSize"/>. It was discarded; the connection stays up.</summary>
public sealed class PusherMessageTooLargeException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherMessageTooLargeException(long size, int limit)
        : base($"An incoming message of at least {size} bytes exceeded MaxMessageSize ({limit} bytes) and was discarded.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public PusherMessageTooLargeException() { }

    /// <summary>Creates the exception.</summary>
    public PusherMessageTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherMessageTooLargeException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>How many bytes had arrived when the message was cut off.</summary>
    public long Size { get; }

    /// <summary>The configured limit.</summary>
    public int Limit { get; }
}

/// <summary>A user callback threw. The exception was caught; other callbacks and the connection were not affected.</summary>
public sealed class PusherHandlerException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherHandlerException(string channel, string eventName, Exception innerException)
        : base($"A handler for '{LogSanitizer.Clean(eventName)}' on '{LogSanitizer.Clean(channel)}' threw {innerException.GetType().Name}.", innerException)
    {
        Channel = channel;
        EventName = eventName;
    }

    /// <summary>Creates the exception.</summary>
    public PusherHandlerException() { }

    /// <summary>Creates the exception.</summary>
    public PusherHandlerException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherHandlerException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The channel of the event being handled (empty for connection-level events).</summary>
    public string Channel { get; } = "";

    /// <summary>The event being handled.</summary>
    public string EventName { get; } = "";
}

/// <summary>The transport failed: connect timeout, network error, or the socket closed unexpectedly.</summary>
public sealed class PusherConnectionException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherConnectionException() { }

    /// <summary>Creates the exception.</summary>
    public PusherConnectionException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherConnectionException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>
/// A <c>ReadAllAsync</c> reader fell behind and its queue overflowed; events are being dropped per
/// <see cref="PusherOptions.ReaderOverflow"/>. Raised once per episode (until that reader catches up);
/// <see cref="PusherClient.DroppedEvents"/> counts every drop.
/// </summary>
public sealed class PusherSlowConsumerException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherSlowConsumerException(int capacity, ReaderOverflowPolicy policy)
        : base($"A reader fell behind: its queue of {capacity} events is full and events are dropped ({policy}).")
    {
        Capacity = capacity;
        Policy = policy;
    }

    /// <summary>Creates the exception.</summary>
    public PusherSlowConsumerException() { }

    /// <summary>Creates the exception.</summary>
    public PusherSlowConsumerException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherSlowConsumerException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The reader queue's capacity.</summary>
    public int Capacity { get; }

    /// <summary>The overflow policy in force.</summary>
    public ReaderOverflowPolicy Policy { get; }
}
