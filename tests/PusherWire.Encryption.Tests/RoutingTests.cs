// Encrypted events through the client's routing path (no socket): envelopes good and bad, and what handlers see.
using System.Security.Cryptography;
using PusherWire.Authorization;

namespace PusherWire.Encryption.Tests;

[CancelAfter(60_000)]
public class RoutingTests
{
    private const string Channel = "private-encrypted-orders";
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Test]
    public async Task Decrypted_ReachesBindingsGlobalCallbacksAndReaders()
    {
        await using var h = EncryptedRouting.Create(Channel, Key);
        var global = new List<string>();
        h.Harness.Client.BindGlobal((in PusherEvent e) => global.Add(e.GetDataString()));
        await using IAsyncEnumerator<PusherMessage> reader = h.Harness.Client.ReadAllAsync().GetAsyncEnumerator();
        ValueTask<bool> next = reader.MoveNextAsync();

        h.Harness.FeedEvent(Channel, "created", EncryptedRouting.Seal(Key, """{"id":1,"text":"hé"}"""));

        Assert.That(h.Received, Is.EqualTo(new[] { """created:{"id":1,"text":"hé"}""" }));
        Assert.That(global, Is.EqualTo(new[] { """{"id":1,"text":"hé"}""" }));
        Assert.That(await next, Is.True);
        Assert.That(reader.Current.DataAsString, Is.EqualTo("""{"id":1,"text":"hé"}"""));
    }

    [Test]
    public async Task PusherEventsOnTheChannel_PassThroughUnencrypted()
    {
        await using var h = EncryptedRouting.Create(Channel, Key);
        h.Harness.Feed($$"""{"event":"pusher_internal:subscription_succeeded","channel":"{{Channel}}","data":"{}"}""");
        h.Harness.FeedEvent(Channel, "pusher:custom", """{"plain":true}""");
        Assert.That(h.Received, Is.EqualTo(new[] { "pusher:subscription_succeeded:{}", """pusher:custom:{"plain":true}""" }));
        Assert.That(h.Channel.IsSubscribed, Is.True);
        Assert.That(h.Harness.Errors, Is.Empty);
    }

    [Test]
    public async Task EscapedSlashesInTheEnvelope_AreUnescaped()
    {
        // PHP's json_encode writes "/" as "\/"; base64 uses '/', so the envelope must be unescaped before decoding.
        await using var h = EncryptedRouting.Create(Channel, Key);
        string envelope;
        do
        {
            envelope = EncryptedRouting.Seal(Key, """{"n":1}""");
        }
        while (!envelope.Contains('/', StringComparison.Ordinal));

        h.Harness.FeedEvent(Channel, "e", envelope.Replace("/", "\\/", StringComparison.Ordinal));
        Assert.That(h.Received, Is.EqualTo(new[] { """e:{"n":1}""" }));
    }

    [Test]
    public async Task EnvelopeFieldsInAnyOrder_WithExtraFields_Decrypt()
    {
        await using var h = EncryptedRouting.Create(Channel, Key);
        using var doc = System.Text.Json.JsonDocument.Parse(EncryptedRouting.Seal(Key, "[1,2]"));
        string nonce = doc.RootElement.GetProperty("nonce").GetString()!, box = doc.RootElement.GetProperty("ciphertext").GetString()!;
        h.Harness.FeedEvent(Channel, "e", $$"""{"extra":{"a":[1]},"ciphertext":"{{box}}","nonce":"{{nonce}}"}""");
        Assert.That(h.Received, Is.EqualTo(new[] { "e:[1,2]" }));
    }

    // Each bad envelope is reported with its reason and dropped, and the next good event still arrives.
    [TestCase("not json", DecryptionStatus.MalformedEnvelope)]
    [TestCase("""["nonce","ciphertext"]""", DecryptionStatus.MalformedEnvelope)]
    [TestCase("""{"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", DecryptionStatus.MalformedEnvelope)]
    [TestCase("""{"nonce":1,"ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}""", DecryptionStatus.MalformedEnvelope)]
    [TestCase("""{"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"!!!not-base64!!!"}""", DecryptionStatus.InvalidBase64)]
    [TestCase("""{"nonce":"AAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}""", DecryptionStatus.InvalidNonce)]
    [TestCase("""{"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}""", DecryptionStatus.InvalidNonce)]
    [TestCase("""{"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"AAAA"}""", DecryptionStatus.CiphertextTooShort)]
    public async Task BadEnvelope_IsReportedAndDropped_NextEventArrives(string envelope, DecryptionStatus expected)
    {
        await using var h = EncryptedRouting.Create(Channel, Key);
        h.Harness.FeedEvent(Channel, "bad", envelope);
        h.Harness.FeedEvent(Channel, "good", EncryptedRouting.Seal(Key, "{}"));

        Assert.That(h.Received, Is.EqualTo(new[] { "good:{}" }));
        PusherDecryptionException error = h.Harness.Errors.OfType<PusherDecryptionException>().Single();
        Assert.That((error.Channel, error.EventName, error.Status), Is.EqualTo((Channel, "bad", expected)));
    }

    [Test]
    public async Task EventBeforeAnyKey_IsReportedAsNoKey()
    {
        var harness = new RoutingHarness(new PusherOptions("key") { Encryption = new SodiumChannelEncryption() });
        await using (harness)
        {
            PusherChannel channel = harness.Client.Subscribe(Channel);
            var received = new List<string>();
            channel.BindAll((in PusherEvent e) => received.Add(e.GetDataString()));
            harness.FeedEvent(Channel, "early", EncryptedRouting.Seal(Key, "{}"));
            Assert.That(received, Is.Empty);
            Assert.That(harness.Errors.OfType<PusherDecryptionException>().Single().Status, Is.EqualTo(DecryptionStatus.NoKey));
        }
    }

    [Test]
    public async Task ErrorMessages_NeverContainThePayloadOrTheKey()
    {
        await using var h = EncryptedRouting.Create(Channel, Key);
        string envelope = EncryptedRouting.Seal(RandomNumberGenerator.GetBytes(32), """{"secret":"SENTINEL-PAYLOAD"}""");
        h.Harness.FeedEvent(Channel, "e", envelope.Replace("\"nonce\":\"", "\"nonce\":\"A", StringComparison.Ordinal));
        string message = h.Harness.Errors.Single().ToString();
        Assert.That(message, Does.Not.Contain("SENTINEL").And.Not.Contain(Convert.ToBase64String(Key)).And.Not.Contain(envelope[10..30]));
    }

    [Test]
    public void Subscribe_WithoutEncryption_ThrowsNamingThePackage()
    {
        var client = new PusherClient(new PusherOptions("key"));
        var error = Assert.Throws<InvalidOperationException>(() => client.Subscribe(Channel));
        Assert.That(error!.Message, Does.Contain("PusherWire.Encryption").And.Contain("PusherOptions.Encryption"));
        Assert.That(client.GetChannel(Channel), Is.Null);
        Assert.That(client.Subscribe("private-orders").Type, Is.EqualTo(ChannelType.Private), "other channels are unaffected");
    }

    [Test]
    public async Task ClientEvents_AreRefusedOnEncryptedChannels()
    {
        await using var h = EncryptedRouting.Create(Channel, Key);
        var error = Assert.Throws<InvalidOperationException>(() => h.Channel.TriggerAsync("client-typing", "{}"));
        Assert.That(error!.Message, Does.Contain("encrypted"));
    }

    [Test]
    public async Task ReplacingOrUnsubscribing_DisposesTheOldKey()
    {
        var cipher = new RecordingEncryption();
        await using var h = EncryptedRouting.Create(Channel, Key, cipher);
        h.Channel.SetDecryptor(cipher.CreateDecryptor(Key));
        Assert.That(cipher.Created.Select(d => d.Disposed), Is.EqualTo(new[] { true, false }));
        h.Harness.Client.Unsubscribe(Channel);
        Assert.That(cipher.Created.Select(d => d.Disposed), Is.EqualTo(new[] { true, true }));
    }

    [Test]
    public void SodiumDecryptor_ClearsItsKeyOnDispose_AndRefusesUseAfterwards()
    {
        IChannelDecryptor decryptor = new SodiumChannelEncryption().CreateDecryptor(Key);
        decryptor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => decryptor.TryOpen(new byte[24], new byte[16], []));
        Assert.That(decryptor.ToString(), Does.Not.Contain(Convert.ToBase64String(Key)));
    }

    [Test]
    public void SodiumDecryptor_WrongKeyOrTamperedBox_ReturnsFalse()
    {
        string envelope = EncryptedRouting.Seal(Key, """{"a":1}""");
        using var doc = System.Text.Json.JsonDocument.Parse(envelope);
        byte[] nonce = Convert.FromBase64String(doc.RootElement.GetProperty("nonce").GetString()!);
        byte[] box = Convert.FromBase64String(doc.RootElement.GetProperty("ciphertext").GetString()!);
        byte[] plaintext = new byte[box.Length - 16];
        var cipher = new SodiumChannelEncryption();
        using IChannelDecryptor right = cipher.CreateDecryptor(Key), wrong = cipher.CreateDecryptor(RandomNumberGenerator.GetBytes(32));
        Assert.That(wrong.TryOpen(nonce, box, plaintext), Is.False);
        box[^1] ^= 1;
        Assert.That(right.TryOpen(nonce, box, plaintext), Is.False);
        box[^1] ^= 1;
        Assert.That(right.TryOpen(nonce, box, plaintext), Is.True);
    }

    [Test]
    public void Options_ToString_NamesTheCipherOnly()
    {
        var options = new PusherOptions("key") { Encryption = new SodiumChannelEncryption() };
        Assert.That(options.ToString(), Does.Contain("Encryption = SodiumChannelEncryption"));
    }

    [Test]
    public void ChannelAuthorization_ToString_HidesTheSharedSecret()
    {
        var authorization = new ChannelAuthorization("key:sig", null, Convert.ToBase64String(Key));
        Assert.That(authorization.ToString(), Does.Not.Contain(Convert.ToBase64String(Key)));
    }

    private sealed class RecordingEncryption : IChannelEncryption
    {
        private readonly SodiumChannelEncryption _inner = new();

        public List<RecordingDecryptor> Created { get; } = [];

        public IChannelDecryptor CreateDecryptor(ReadOnlySpan<byte> key)
        {
            var decryptor = new RecordingDecryptor(_inner.CreateDecryptor(key));
            Created.Add(decryptor);
            return decryptor;
        }

        public void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext) =>
            _inner.Seal(key, nonce, plaintext, ciphertext);
    }

    private sealed class RecordingDecryptor(IChannelDecryptor inner) : IChannelDecryptor
    {
        public bool Disposed { get; private set; }

        public bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext) => inner.TryOpen(nonce, ciphertext, plaintext);

        public void Dispose()
        {
            Disposed = true;
            inner.Dispose();
        }
    }
}
