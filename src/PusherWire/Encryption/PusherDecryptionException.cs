// The error reported when an encrypted event is dropped.
namespace PusherWire.Encryption;

/// <summary>
/// An event on a <c>private-encrypted-</c> channel could not be decrypted and was dropped; other events keep flowing
/// and the connection stays up. Names the channel and event only: never the payload or the key.
/// </summary>
public sealed class PusherDecryptionException : PusherException
{
    /// <summary>Creates the exception.</summary>
    public PusherDecryptionException(string channel, string eventName, DecryptionStatus status, Exception? innerException = null)
        : base($"Dropped event '{LogSanitizer.Clean(eventName)}' on '{LogSanitizer.Clean(channel)}': {Describe(status)}", innerException)
    {
        Channel = channel;
        EventName = eventName;
        Status = status;
    }

    /// <summary>Creates the exception.</summary>
    public PusherDecryptionException() { }

    /// <summary>Creates the exception.</summary>
    public PusherDecryptionException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PusherDecryptionException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The encrypted channel.</summary>
    public string Channel { get; } = "";

    /// <summary>The dropped event's name.</summary>
    public string EventName { get; } = "";

    /// <summary>Why it was dropped.</summary>
    public DecryptionStatus Status { get; } = DecryptionStatus.AuthenticationFailed;

    private static string Describe(DecryptionStatus status) => status switch
    {
        DecryptionStatus.MalformedEnvelope => "the data is not {\"nonce\":...,\"ciphertext\":...}.",
        DecryptionStatus.InvalidBase64 => "the nonce or ciphertext is not valid base64.",
        DecryptionStatus.InvalidNonce => "the nonce is not 24 bytes.",
        DecryptionStatus.CiphertextTooShort => "the ciphertext is shorter than its 16-byte MAC.",
        DecryptionStatus.AuthenticationFailed => "it does not decrypt with the channel's key, nor with the key fetched again by re-authorizing.",
        DecryptionStatus.ReauthorizationFailed => "it does not decrypt with the channel's key, and re-authorizing to fetch a new key failed.",
        DecryptionStatus.NoKey => "the channel has no key yet.",
        _ => status.ToString(),
    };
}
