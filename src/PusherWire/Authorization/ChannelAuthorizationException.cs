namespace PusherWire.Authorization;

/// <summary>Why a channel could not be authorized.</summary>
public enum ChannelAuthorizationFailure
{
    /// <summary>The endpoint answered with a non-success HTTP status (see <see cref="ChannelAuthorizationException.StatusCode"/>).</summary>
    HttpStatus,

    /// <summary>The endpoint's answer was not the expected JSON, or too large.</summary>
    InvalidResponse,

    /// <summary>The request did not complete within the authorizer's timeout.</summary>
    Timeout,

    /// <summary>The request failed at the network level.</summary>
    Network,

    /// <summary>No authorizer is configured, or the authorizer failed in another way.</summary>
    Other,
}

/// <summary>A channel's subscription could not be authorized. Only that channel fails; the connection stays up.</summary>
public sealed class ChannelAuthorizationException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public ChannelAuthorizationException(string channelName, ChannelAuthorizationFailure failure, int? statusCode, string message, Exception? innerException = null)
        : base($"Authorization of channel '{LogSanitizer.Clean(channelName)}' failed: {message}", innerException)
    {
        ChannelName = channelName;
        Failure = failure;
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public ChannelAuthorizationException() { }

    /// <summary>Creates the exception.</summary>
    public ChannelAuthorizationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ChannelAuthorizationException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The channel that could not be authorized.</summary>
    public string ChannelName { get; } = "";

    /// <summary>The kind of failure.</summary>
    public ChannelAuthorizationFailure Failure { get; } = ChannelAuthorizationFailure.Other;

    /// <summary>The HTTP status code when the endpoint answered, else null.</summary>
    public int? StatusCode { get; }
}
