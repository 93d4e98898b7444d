// The test server's encryption API on its own: key derivation, rotation, misconfiguration, no secret printed.
using PusherWire.Testing;

namespace PusherWire.Encryption.Tests;

[CancelAfter(60_000)]
public class TestServerEncryptionTests
{
    private const string Channel = "private-encrypted-orders";

    [Test]
    public async Task GetChannelKey_IsTheSdkDerivation_UntilRotated(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            EncryptionMasterKeyBase64 = EncryptedHarness.MasterKeyBase64,
            Encryption = new SodiumChannelEncryption(),
        }, ct);
        byte[] derived = SodiumChannelEncryption.DeriveChannelKey(Channel, Convert.FromBase64String(EncryptedHarness.MasterKeyBase64));
        Assert.That(server.GetChannelKey(Channel), Is.EqualTo(derived));

        server.RotateChannelKey(Channel);
        Assert.That(server.GetChannelKey(Channel), Is.Not.EqualTo(derived).And.Length.EqualTo(32));
        Assert.That(server.GetChannelKey("private-encrypted-other"), Is.EqualTo(
            SodiumChannelEncryption.DeriveChannelKey("private-encrypted-other", Convert.FromBase64String(EncryptedHarness.MasterKeyBase64))));
    }

    [Test]
    public async Task MasterKeyWithoutCipher_PublishToAnEncryptedChannelThrows(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions { EncryptionMasterKeyBase64 = EncryptedHarness.MasterKeyBase64 }, ct);
        var error = Assert.Throws<InvalidOperationException>(() => server.PublishAsync(Channel, "e", "{}", ct));
        Assert.That(error!.Message, Does.Contain("Encryption"));
        Assert.That(await server.PublishAsync("private-plain", "e", "{}", ct), Is.Zero, "other channels publish as before");
    }

    [Test]
    public async Task RotateWithoutMasterKey_Throws(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: ct);
        Assert.Throws<InvalidOperationException>(() => server.RotateChannelKey(Channel));
    }

    [Test]
    public void Options_ToString_NeverPrintsTheMasterKey()
    {
        var options = new PusherTestServerOptions { EncryptionMasterKeyBase64 = EncryptedHarness.MasterKeyBase64 };
        Assert.That(options.ToString(), Does.Not.Contain(EncryptedHarness.MasterKeyBase64));
    }
}
