// Byte-for-byte compatibility with the reference implementations (tweetnacl, the pusher server SDK, pusher-js) and NaCl.
using System.Text;
using PusherWire.Testing;

namespace PusherWire.Encryption.Tests;

[CancelAfter(60_000)]
public class InteropTests
{
    private static readonly SodiumChannelEncryption Cipher = new();

    // NaCl's secretbox test vector (libsodium test/default/secretbox.c): firstkey, nonce, the 131-byte message, and
    // the expected MAC ‖ ciphertext (c[16..163] of crypto_secretbox's zero-padded output).
    private const string NaClKey = "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
    private const string NaClNonce = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";
    private const string NaClMessage =
        "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705";
    private const string NaClBox =
        "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5";

    [Test]
    public void NaClVector_SealsToTheKnownBox()
    {
        byte[] message = Convert.FromHexString(NaClMessage);
        byte[] box = new byte[message.Length + ChannelEncryptionSizes.Mac];
        Cipher.Seal(Convert.FromHexString(NaClKey), Convert.FromHexString(NaClNonce), message, box);
        Assert.That(Convert.ToHexStringLower(box), Is.EqualTo(NaClBox));
    }

    [Test]
    public void NaClVector_OpensToTheKnownMessage()
    {
        using IChannelDecryptor decryptor = Cipher.CreateDecryptor(Convert.FromHexString(NaClKey));
        byte[] box = Convert.FromHexString(NaClBox);
        byte[] message = new byte[box.Length - ChannelEncryptionSizes.Mac];
        Assert.That(decryptor.TryOpen(Convert.FromHexString(NaClNonce), box, message), Is.True);
        Assert.That(Convert.ToHexStringLower(message), Is.EqualTo(NaClMessage));
    }

    [TestCaseSource(typeof(InteropFixtures), nameof(InteropFixtures.Secretbox))]
    public void TweetNacl_SealIsByteForByteEqual(SecretboxVector v)
    {
        byte[] plaintext = Encoding.UTF8.GetBytes(v.Plaintext);
        byte[] box = new byte[plaintext.Length + ChannelEncryptionSizes.Mac];
        Cipher.Seal(Convert.FromBase64String(v.Key), Convert.FromBase64String(v.Nonce), plaintext, box);
        Assert.That(Convert.ToBase64String(box), Is.EqualTo(v.Ciphertext));
    }

    [TestCaseSource(typeof(InteropFixtures), nameof(InteropFixtures.Secretbox))]
    public void TweetNacl_BoxesOpen(SecretboxVector v)
    {
        using IChannelDecryptor decryptor = Cipher.CreateDecryptor(Convert.FromBase64String(v.Key));
        byte[] box = Convert.FromBase64String(v.Ciphertext);
        byte[] plaintext = new byte[box.Length - ChannelEncryptionSizes.Mac];
        Assert.That(decryptor.TryOpen(Convert.FromBase64String(v.Nonce), box, plaintext), Is.True);
        Assert.That(Encoding.UTF8.GetString(plaintext), Is.EqualTo(v.Plaintext));
    }

    [TestCaseSource(typeof(InteropFixtures), nameof(InteropFixtures.SharedSecrets))]
    public void ServerSdk_SharedSecret_IsTheDerivedChannelKey(SharedSecretVector v)
    {
        byte[] key = SodiumChannelEncryption.DeriveChannelKey(v.Channel, Convert.FromBase64String(InteropFixtures.Data.MasterKeyBase64));
        Assert.That(Convert.ToBase64String(key), Is.EqualTo(v.SharedSecret));
    }

    [TestCaseSource(typeof(InteropFixtures), nameof(InteropFixtures.SharedSecrets))]
    public async Task TestServer_AuthEndpoint_AnswersTheSdksAuthAndSharedSecret(SharedSecretVector v, CancellationToken ct)
    {
        // Same app key, secret and master key as the fixture: the test server must answer exactly what the SDK does.
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            AppKey = "app-key",
            AppSecret = "app-secret",
            EncryptionMasterKeyBase64 = InteropFixtures.Data.MasterKeyBase64,
            Encryption = Cipher,
        }, ct);
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["socket_id"] = v.SocketId, ["channel_name"] = v.Channel });
        using HttpResponseMessage response = await http.PostAsync(server.AuthEndpoint, form, ct);
        string body = await response.Content.ReadAsStringAsync(ct);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.That(json.RootElement.GetProperty("auth").GetString(), Is.EqualTo(v.Auth));
        Assert.That(json.RootElement.GetProperty("shared_secret").GetString(), Is.EqualTo(v.SharedSecret));
    }

    [TestCaseSource(typeof(InteropFixtures), nameof(InteropFixtures.Triggers))]
    public async Task ServerSdk_TriggerPayload_DecryptsThroughTheClient_AsPusherJsDid(TriggerVector v)
    {
        Assert.That(v.PusherJsDecrypted, Is.True, "the generator checked this payload against pusher-js 8.6.0");
        string secret = InteropFixtures.Data.SharedSecrets.Single(s => s.Channel == v.Channel).SharedSecret;
        await using var h = EncryptedRouting.Create(v.Channel, Convert.FromBase64String(secret));
        h.Harness.FeedEvent(v.Channel, v.Event, v.Data);
        Assert.That(h.Received, Is.EqualTo(new[] { $"{v.Event}:{v.Plaintext}" }));
        Assert.That(h.Harness.Errors, Is.Empty);
    }

    [Test]
    public async Task OurSeal_InTheTestServersEnvelope_DecryptsThroughTheClient()
    {
        const string channel = "private-encrypted-orders";
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            EncryptionMasterKeyBase64 = InteropFixtures.Data.MasterKeyBase64,
            Encryption = Cipher,
        });
        string envelope = server.EncryptEventData(channel, """{"id":7}""");
        await using var h = EncryptedRouting.Create(channel, server.GetChannelKey(channel));
        h.Harness.FeedEvent(channel, "created", envelope);
        Assert.That(h.Received, Is.EqualTo(new[] { """created:{"id":7}""" }));
    }
}
