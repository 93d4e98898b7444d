using PusherWire.Encryption;

namespace PusherWire;

/// <summary>The key of a <c>private-encrypted-</c> channel: set by each authorization, used per event, cleared at the end.</summary>
public sealed partial class PusherChannel
{
    // Guards _decryptor: the receive loop opens events with it while a (re)subscribe on another thread may replace it,
    // and a replaced decryptor is disposed (its key cleared) only when no one is using it.
    private readonly Lock _keyGate = new();
    private IChannelDecryptor? _decryptor;

    internal bool IsEncrypted => Type == ChannelType.PrivateEncrypted;

    /// <summary>Installs the key from a new authorization; the previous one is cleared.</summary>
    internal void SetDecryptor(IChannelDecryptor decryptor)
    {
        lock (_keyGate)
        {
            _decryptor?.Dispose();
            _decryptor = decryptor;
        }
    }

    /// <summary>Clears the key (unsubscribed: pusher-js keeps it, but nothing needs it any more).</summary>
    internal void ClearKey()
    {
        lock (_keyGate)
        {
            _decryptor?.Dispose();
            _decryptor = null;
        }
    }

    /// <summary>Opens a secretbox with the current key.</summary>
    /// <returns>Null when the channel has no key yet; else whether the MAC verified.</returns>
    internal bool? TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        lock (_keyGate)
        {
            return _decryptor?.TryOpen(nonce, ciphertext, plaintext);
        }
    }
}
