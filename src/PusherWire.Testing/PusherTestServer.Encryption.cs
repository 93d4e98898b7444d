using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PusherWire.Encryption;

namespace PusherWire.Testing;

/// <summary>
/// Encrypted channels on the test server, as Pusher's servers and server SDKs do them: per-channel keys derived from the
/// master key (SHA-256 of channel name ‖ master key), handed out as <c>shared_secret</c> by the auth endpoint, and
/// published events sealed as <c>{"nonce":base64,"ciphertext":base64}</c>. <see cref="RotateChannelKey"/> replaces a
/// channel's key so that a test can drive the client's re-authorization path.
/// </summary>
public sealed partial class PusherTestServer
{
    private readonly ConcurrentDictionary<string, byte[]> _rotatedKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// Gives <paramref name="channelName"/> a new random key: later auth responses carry it and later publishes use it,
    /// while subscribed clients still hold the old one until they re-authorize.
    /// </summary>
    public void RotateChannelKey(string channelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        RequireMasterKey();
        _rotatedKeys[channelName] = RandomNumberGenerator.GetBytes(ChannelEncryptionSizes.Key);
    }

    /// <summary>The key the server uses for <paramref name="channelName"/> now (derived, or the rotated one).</summary>
    public byte[] GetChannelKey(string channelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        byte[] master = RequireMasterKey();
        if (_rotatedKeys.TryGetValue(channelName, out byte[]? rotated))
        {
            return [.. rotated];
        }

        byte[] name = Encoding.UTF8.GetBytes(channelName);
        return SHA256.HashData([.. name, .. master]);
    }

    /// <summary>Seals <paramref name="dataJson"/> for <paramref name="channelName"/> with a random nonce: the event's data as Pusher sends it.</summary>
    public string EncryptEventData(string channelName, string dataJson)
    {
        ArgumentNullException.ThrowIfNull(dataJson);
        IChannelEncryption cipher = Options.Encryption ?? throw new InvalidOperationException(
            "PusherTestServerOptions.Encryption must be set to encrypt events (e.g. new SodiumChannelEncryption()).");
        byte[] key = GetChannelKey(channelName);
        try
        {
            byte[] plaintext = Encoding.UTF8.GetBytes(dataJson);
            byte[] nonce = RandomNumberGenerator.GetBytes(ChannelEncryptionSizes.Nonce);
            byte[] ciphertext = new byte[plaintext.Length + ChannelEncryptionSizes.Mac];
            cipher.Seal(key, nonce, plaintext, ciphertext);
            return JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["nonce"] = Convert.ToBase64String(nonce),
                ["ciphertext"] = Convert.ToBase64String(ciphertext),
            }, TestingJsonContext.Default.DictionaryStringString);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    internal string EncryptIfNeeded(string channelName, string dataJson) =>
        Options.EncryptionMasterKeyBase64 is not null && IsEncrypted(channelName) ? EncryptEventData(channelName, dataJson) : dataJson;

    internal void AddSharedSecret(string channelName, Dictionary<string, string> authResponse)
    {
        if (Options.EncryptionMasterKeyBase64 is not null && IsEncrypted(channelName))
        {
            authResponse["shared_secret"] = Convert.ToBase64String(GetChannelKey(channelName));
        }
    }

    private static bool IsEncrypted(string channelName) => channelName.StartsWith("private-encrypted-", StringComparison.Ordinal);

    private byte[] RequireMasterKey()
    {
        string encoded = Options.EncryptionMasterKeyBase64 ?? throw new InvalidOperationException(
            "PusherTestServerOptions.EncryptionMasterKeyBase64 is not set.");
        byte[] master = Convert.FromBase64String(encoded);
        return master.Length == ChannelEncryptionSizes.Key ? master : throw new InvalidOperationException(
            "PusherTestServerOptions.EncryptionMasterKeyBase64 must be base64 of 32 bytes.");
    }
}
