// The typed error that ends a subscription wait the server refused or never answered.
namespace PusherWire;

/// <summary>
/// A channel's subscription was refused by the server or not answered in time. Only that channel fails; the connection
/// stays up. <see cref="PusherClient.Subscribe"/> of the same name tries again, and so does the next reconnect.
/// </summary>
public sealed class PusherSubscriptionException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherSubscriptionException(string channelName, PusherSubscriptionFailure failure, int? status, string? errorType, string message)
        : base($"Subscription to channel '{LogSanitizer.Clean(channelName)}' failed: {message}")
    {
        ChannelName = channelName;
        Failure = failure;
        Status = status;
        ErrorType = errorType is null ? null : LogSanitizer.Clean(errorType);
    }

    /// <summary>Creates the exception.</summary>
    public PusherSubscriptionException() { }

    /// <summary>Creates the exception.</summary>
    public PusherSubscriptionException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherSubscriptionException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The channel.</summary>
    public string ChannelName { get; } = "";

    /// <summary>Refused or timed out.</summary>
    public PusherSubscriptionFailure Failure { get; }

    /// <summary>The <c>status</c> of a <c>pusher:subscription_error</c> (an HTTP-like code such as 401 or 403), or the <c>pusher:error</c> code; null when none was given.</summary>
    public int? Status { get; }

    /// <summary>The <c>type</c> of a <c>pusher:subscription_error</c> (e.g. <c>AuthError</c>), if any.</summary>
    public string? ErrorType { get; }
}
