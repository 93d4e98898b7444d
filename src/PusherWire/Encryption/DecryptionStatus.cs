// Why an encrypted event could not be delivered.
namespace PusherWire.Encryption;

/// <summary>Why an event on a <c>private-encrypted-</c> channel was dropped (see <see cref="PusherDecryptionException"/>).</summary>
public enum DecryptionStatus
{
    /// <summary>The data was not a JSON object with string <c>nonce</c> and <c>ciphertext</c> fields.</summary>
    MalformedEnvelope,

    /// <summary><c>nonce</c> or <c>ciphertext</c> was not valid base64.</summary>
    InvalidBase64,

    /// <summary>The nonce was not 24 bytes.</summary>
    InvalidNonce,

    /// <summary>The ciphertext was shorter than the 16-byte MAC.</summary>
    CiphertextTooShort,

    /// <summary>The MAC did not verify with the channel's key, nor with the key fetched again by re-authorizing.</summary>
    AuthenticationFailed,

    /// <summary>The MAC did not verify, and re-authorizing to fetch a new key failed.</summary>
    ReauthorizationFailed,

    /// <summary>An event arrived before the channel had a key.</summary>
    NoKey,
}
