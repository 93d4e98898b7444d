// The fixed sizes of the secretbox construction that Pusher's encrypted channels use.
namespace PusherWire.Encryption;

/// <summary>Sizes of NaCl <c>crypto_secretbox_xsalsa20poly1305</c>, as used by Pusher's encrypted channels.</summary>
public static class ChannelEncryptionSizes
{
    /// <summary>The key (the decoded <c>shared_secret</c>): 32 bytes.</summary>
    public const int Key = 32;

    /// <summary>The nonce sent with every event: 24 bytes.</summary>
    public const int Nonce = 24;

    /// <summary>The Poly1305 tag at the front of every ciphertext: 16 bytes.</summary>
    public const int Mac = 16;
}
