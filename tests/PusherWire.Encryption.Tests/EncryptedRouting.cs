// A socketless client with one encrypted channel whose key is installed directly: frames in, plaintext events out.
using PusherWire.Testing;

namespace PusherWire.Encryption.Tests;

internal sealed class EncryptedRouting : IAsyncDisposable
{
    private EncryptedRouting(RoutingHarness harness, PusherChannel channel)
    {
        Harness = harness;
        Channel = channel;
        channel.BindAll((in PusherEvent e) => Received.Add($"{e.GetEventName()}:{e.GetDataString()}"));
    }

    public RoutingHarness Harness { get; }

    public PusherChannel Channel { get; }

    public List<string> Received { get; } = [];

    public static EncryptedRouting Create(string channelName, byte[] key, IChannelEncryption? encryption = null)
    {
        encryption ??= new SodiumChannelEncryption();
        var harness = new RoutingHarness(new PusherOptions("key")
        {
            Encryption = encryption,
            TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
        });
        PusherChannel channel = harness.Client.Subscribe(channelName);
        channel.SetDecryptor(encryption.CreateDecryptor(key));
        return new EncryptedRouting(harness, channel);
    }

    /// <summary>Feeds an event encrypted with <paramref name="key"/> by the test server's envelope code.</summary>
    public static string Seal(byte[] key, string plaintextJson, byte[]? nonce = null)
    {
        var cipher = new SodiumChannelEncryption();
        byte[] plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextJson);
        nonce ??= System.Security.Cryptography.RandomNumberGenerator.GetBytes(ChannelEncryptionSizes.Nonce);
        byte[] box = new byte[plaintext.Length + ChannelEncryptionSizes.Mac];
        cipher.Seal(key, nonce, plaintext, box);
        return $$"""{"nonce":"{{Convert.ToBase64String(nonce)}}","ciphertext":"{{Convert.ToBase64String(box)}}"}""";
    }

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
