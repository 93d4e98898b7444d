// The extension point for private-encrypted- channels: the core knows the protocol, a package supplies the cipher.
namespace PusherWire.Encryption;

/// <summary>
/// Supplies the XSalsa20-Poly1305 secretbox that <c>private-encrypted-</c> channels use (NaCl <c>crypto_secretbox</c>,
/// as tweetnacl in pusher-js). The core parses the event envelope, decodes base64 and keeps keys; an implementation
/// only seals and opens bytes. Add the <c>PusherWire.Encryption</c> package and set
/// <see cref="PusherOptions.Encryption"/> to its <c>SodiumChannelEncryption</c>.
/// </summary>
/// <remarks>Implementations must be thread-safe: one instance serves every channel and connection.</remarks>
public interface IChannelEncryption
{
    /// <summary>
    /// Creates a decryptor holding a copy of <paramref name="key"/> (<see cref="ChannelEncryptionSizes.Key"/> bytes, the
    /// decoded <c>shared_secret</c>). The caller clears its own copy; the decryptor clears its copy when disposed.
    /// </summary>
    IChannelDecryptor CreateDecryptor(ReadOnlySpan<byte> key);

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/>, which must be exactly
    /// <see cref="ChannelEncryptionSizes.Mac"/> bytes longer (NaCl's combined MAC ‖ ciphertext layout). Used by servers
    /// and by the test server in <c>PusherWire.Testing</c>; a client only decrypts.
    /// </summary>
    void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext);
}
