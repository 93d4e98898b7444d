// pusherwire listen on a private-encrypted- channel: decrypted events, and one error record for an event that is not.
using System.Security.Cryptography;
using System.Text.Json;
using PusherWire.Encryption;
using PusherWire.Testing;

namespace PusherWire.Cli.Tests;

public class ListenEncryptedTests
{
    private const string Channel = "private-encrypted-orders";

    [Test, CancelAfter(60_000)]
    public async Task Listen_DecryptsEncryptedChannels_AndAnUndecryptableEventIsOneErrorRecord(CancellationToken ct)
    {
        var cipher = new SodiumChannelEncryption();
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            EncryptionMasterKeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            Encryption = cipher,
        }, ct);
        Cli cli = Cli.Start(["listen", "--no-tls", "--host", server.Host, "--port", $"{server.Port}", "--key", server.Options.AppKey,
            "--auth-endpoint", $"{server.AuthEndpoint}", "--token", "any", "--channel", Channel, "--count", "1"], ct); // private channels need a token (exit 2 without one)
        TestConnection connection = await server.WaitForConnectionAsync(0, ct);
        await connection.WaitForSubscriptionAsync(Channel, ct);

        byte[] foreignKey = RandomNumberGenerator.GetBytes(32), nonce = RandomNumberGenerator.GetBytes(24), box = new byte[16 + 2];
        cipher.Seal(foreignKey, nonce, "{}"u8, box);
        await connection.SendEventAsync("foreign", Channel, $$"""{"nonce":"{{Convert.ToBase64String(nonce)}}","ciphertext":"{{Convert.ToBase64String(box)}}"}""", ct);
        await server.PublishAsync(Channel, "created", """{"id":42}""", ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        JsonElement error = records.Single(r => r.Kind() == "error");
        Assert.That(error.Str("type"), Is.EqualTo(nameof(PusherDecryptionException)));
        Assert.That(error.Str("message"), Does.Contain("foreign").And.Contain(Channel));
        JsonElement created = records.Single(r => r.Kind() == "event");
        Assert.That(created.Str("event"), Is.EqualTo("created"));
        Assert.That(created.GetProperty("data").GetProperty("id").GetInt32(), Is.EqualTo(42));
        Assert.That(cli.AllOutput, Does.Not.Contain("ciphertext"));
    }
}
