// One channel's secretbox key, able to open that channel's events.
namespace PusherWire.Encryption;

/// <summary>
/// Opens secretboxes with one channel's key. Created by <see cref="IChannelEncryption.CreateDecryptor"/>; disposed
/// (and the key cleared) when the channel's key is replaced or the channel is unsubscribed.
/// </summary>
/// <remarks>The client calls one decryptor from one thread at a time.</remarks>
public interface IChannelDecryptor : IDisposable
{
    /// <summary>
    /// Verifies and decrypts <paramref name="ciphertext"/> (MAC ‖ ciphertext) with <paramref name="nonce"/> into
    /// <paramref name="plaintext"/>, which is exactly <see cref="ChannelEncryptionSizes.Mac"/> bytes shorter.
    /// </summary>
    /// <returns>False when the MAC does not verify: another key, or tampered data. Never throws for bad data.</returns>
    bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext);
}
