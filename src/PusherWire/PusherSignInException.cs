// The typed error of a failed user sign-in.
namespace PusherWire;

/// <summary>A user sign-in failed. The connection stays up; the next reconnect signs in again.</summary>
public sealed class PusherSignInException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherSignInException(PusherSignInFailure failure, int? statusCode, string message, Exception? innerException = null)
        : base($"Sign-in failed: {message}", innerException)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public PusherSignInException() { }

    /// <summary>Creates the exception.</summary>
    public PusherSignInException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherSignInException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The kind of failure.</summary>
    public PusherSignInFailure Failure { get; } = PusherSignInFailure.Other;

    /// <summary>The HTTP status when the endpoint answered; the <c>pusher:error</c> code for <see cref="PusherSignInFailure.Refused"/>; else null.</summary>
    public int? StatusCode { get; }
}
