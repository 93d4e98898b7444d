// One channel's key, opened against libsodium; cleared on dispose.
using System.Security.Cryptography;

namespace PusherWire.Encryption.Internal;

/// <summary>Holds a copy of one channel's key and opens secretboxes with it, without allocating.</summary>
internal sealed class SodiumChannelDecryptor : IChannelDecryptor
{
    private readonly byte[] _key;
    private bool _disposed;

    public SodiumChannelDecryptor(ReadOnlySpan<byte> key) => _key = key.ToArray();

    public bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return nonce.Length == ChannelEncryptionSizes.Nonce
            && ciphertext.Length >= ChannelEncryptionSizes.Mac
            && plaintext.Length == ciphertext.Length - ChannelEncryptionSizes.Mac
            && SodiumNative.SecretBoxOpenEasy(plaintext, ciphertext, nonce, _key) == 0;
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
    }

    /// <summary>Never the key.</summary>
    public override string ToString() => "SodiumChannelDecryptor (key hidden)";
}
