// The libsodium implementation of PusherWire's encrypted-channel cipher (XSalsa20-Poly1305 secretbox).
using System.Security.Cryptography;
using PusherWire.Encryption.Internal;

namespace PusherWire.Encryption;

/// <summary>
/// Encrypted channels for <see cref="PusherClient"/> through libsodium's <c>crypto_secretbox_easy</c> /
/// <c>crypto_secretbox_open_easy</c>: the same XSalsa20-Poly1305 construction as tweetnacl in pusher-js and the
/// <c>pusher</c> server SDKs, byte for byte. Set it as <see cref="PusherOptions.Encryption"/>:
/// <code>new PusherOptions(key) { Authorizer = ..., Encryption = new SodiumChannelEncryption() }</code>
/// </summary>
/// <remarks>Thread-safe and stateless: one instance can serve any number of clients.</remarks>
public sealed class SodiumChannelEncryption : IChannelEncryption
{
    /// <summary>Loads and initializes libsodium.</summary>
    /// <exception cref="PlatformNotSupportedException">The native libsodium library is not available for this runtime.</exception>
    public SodiumChannelEncryption() => SodiumNative.EnsureInitialized();

    /// <inheritdoc />
    public IChannelDecryptor CreateDecryptor(ReadOnlySpan<byte> key)
    {
        RequireKey(key);
        return new SodiumChannelDecryptor(key);
    }

    /// <inheritdoc />
    public void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        RequireKey(key);
        RequireNonce(nonce);
        if (ciphertext.Length != plaintext.Length + ChannelEncryptionSizes.Mac)
        {
            throw new ArgumentException($"The ciphertext buffer must be the plaintext length + {ChannelEncryptionSizes.Mac} bytes.", nameof(ciphertext));
        }

        if (SodiumNative.SecretBoxEasy(ciphertext, plaintext, nonce, key) != 0)
        {
            throw new CryptographicException("crypto_secretbox_easy failed.");
        }
    }

    /// <summary>
    /// The key of a channel as Pusher's servers and server SDKs derive it: SHA-256(channel name in UTF-8 ‖ master key).
    /// For servers and tests; a client gets the key from the authorizer's <c>shared_secret</c>.
    /// </summary>
    public static byte[] DeriveChannelKey(string channelName, ReadOnlySpan<byte> masterKey)
    {
        ArgumentNullException.ThrowIfNull(channelName);
        RequireKey(masterKey);
        byte[] name = System.Text.Encoding.UTF8.GetBytes(channelName);
        byte[] input = new byte[name.Length + masterKey.Length];
        name.CopyTo(input, 0);
        masterKey.CopyTo(input.AsSpan(name.Length));
        try
        {
            return SHA256.HashData(input);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <inheritdoc />
    public override string ToString() => "SodiumChannelEncryption (libsodium secretbox)";

    private static void RequireKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != ChannelEncryptionSizes.Key)
        {
            throw new ArgumentException($"A secretbox key is {ChannelEncryptionSizes.Key} bytes.", nameof(key));
        }
    }

    private static void RequireNonce(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != ChannelEncryptionSizes.Nonce)
        {
            throw new ArgumentException($"A secretbox nonce is {ChannelEncryptionSizes.Nonce} bytes.", nameof(nonce));
        }
    }
}
