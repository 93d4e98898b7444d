// The typed error of the token lifecycle: which step failed and why, never a secret.
namespace PusherWire.ChatApp;

/// <summary>
/// A ChatApp token could not be obtained. The message says which credential is missing or refused, never its value.
/// </summary>
public sealed class ChatAppTokenException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public ChatAppTokenException(ChatAppTokenFailure failure, string message, int? statusCode = null, string? errorCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        StatusCode = statusCode;
        ErrorCode = errorCode is null ? null : LogSanitizer.Clean(errorCode);
    }

    /// <summary>Creates the exception.</summary>
    public ChatAppTokenException() { }

    /// <summary>Creates the exception.</summary>
    public ChatAppTokenException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ChatAppTokenException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>What failed.</summary>
    public ChatAppTokenFailure Failure { get; } = ChatAppTokenFailure.InvalidResponse;

    /// <summary>The HTTP status when the token API answered, else null.</summary>
    public int? StatusCode { get; }

    /// <summary>ChatApp's <c>error.code</c> (e.g. <c>ApiInvalidTokenError</c>) when the answer had one, else null.</summary>
    public string? ErrorCode { get; }
}
