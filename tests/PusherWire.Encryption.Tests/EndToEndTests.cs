// Encrypted channels over loopback against the test server: decrypt, key rotation and re-authorization, bad events.
using System.Security.Cryptography;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Encryption.Tests;

[CancelAfter(60_000)]
public class EndToEndTests
{
    private const string Channel = "private-encrypted-orders";

    [Test]
    public async Task Published_IsDecrypted_AndTheWireCarriedOnlyCiphertext(CancellationToken ct)
    {
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct);
        var (channel, connection, events) = await h.SubscribeAsync(Channel, ct);
        var wire = new List<string>();
        // The raw frame: what any observer of the socket (or a client without the key) would see.
        string frame = System.Text.Encoding.UTF8.GetString(PusherTestServer.EncodeEvent(Channel, "created", h.Server.EncryptEventData(Channel, """{"id":1}""")));
        Assert.That(frame, Does.Contain("ciphertext").And.Not.Contain("\"id\""));

        Assert.That(await h.Server.PublishAsync(Channel, "created", """{"id":1,"secret":"SENTINEL"}""", ct), Is.EqualTo(1));

        Assert.That(await events.Reader.ReadAsync(ct), Is.EqualTo("""created:{"id":1,"secret":"SENTINEL"}"""));
        Assert.That(h.Server.AuthRequestCount, Is.EqualTo(1));
        Assert.That(h.Errors, Is.Empty);
        Assert.That(channel.IsSubscribed, Is.True);
    }

    [Test]
    public async Task RotatedKey_ReauthorizesOnce_AndDeliversTheEvent(CancellationToken ct)
    {
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct);
        var (_, connection, events) = await h.SubscribeAsync(Channel, ct);

        h.Server.RotateChannelKey(Channel);
        await h.Server.PublishAsync(Channel, "after-rotation", """{"n":1}""", ct);
        await h.Server.PublishAsync(Channel, "next", """{"n":2}""", ct);

        Assert.That(await events.Reader.ReadAsync(ct), Is.EqualTo("""after-rotation:{"n":1}"""));
        Assert.That(await events.Reader.ReadAsync(ct), Is.EqualTo("""next:{"n":2}"""), "in order, and the new key is kept");
        Assert.That(h.Server.AuthRequests.Select(r => (r.ChannelName, r.SocketId)),
            Is.EqualTo(new[] { (Channel, connection.SocketId), (Channel, connection.SocketId) }), "one re-authorization, same socket");
        Assert.That(h.Errors, Is.Empty);
    }

    [Test]
    public async Task WrongKey_EvenAfterReauthorizing_IsReportedAndDropped_OtherEventsFlow(CancellationToken ct)
    {
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct);
        var (channel, connection, events) = await h.SubscribeAsync(Channel, ct);
        string foreign = EncryptedRouting.Seal(RandomNumberGenerator.GetBytes(32), """{"x":1}""");

        await connection.SendEventAsync("foreign", Channel, foreign, ct);
        await h.Server.PublishAsync(Channel, "good", """{"ok":true}""", ct);

        Assert.That(await events.Reader.ReadAsync(ct), Is.EqualTo("""good:{"ok":true}"""));
        var error = (PusherDecryptionException)await h.NextErrorAsync(ct);
        Assert.That((error.Channel, error.EventName, error.Status), Is.EqualTo((Channel, "foreign", DecryptionStatus.AuthenticationFailed)));
        Assert.That(h.Server.AuthRequestCount, Is.EqualTo(2), "pusher-js tries one new key per failed event");
        Assert.That(events.Reader.TryRead(out _), Is.False, "the foreign event was never delivered");
        Assert.That(channel.IsSubscribed, Is.True);
        Assert.That(connection.IsClosed, Is.False);
    }

    [Test]
    public async Task TamperedCiphertext_IsReported_ConnectionAndOtherChannelsSurvive(CancellationToken ct)
    {
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct);
        var (_, connection, events) = await h.SubscribeAsync(Channel, ct);
        PusherChannel plain = h.Client.Subscribe("public-news");
        var plainEvents = System.Threading.Channels.Channel.CreateUnbounded<string>();
        plain.Bind("n", (in PusherEvent e) => plainEvents.Writer.TryWrite(e.GetDataString()));
        await plain.WaitForSubscriptionAsync(ct);

        string envelope = h.Server.EncryptEventData(Channel, """{"a":1}""");
        using var doc = System.Text.Json.JsonDocument.Parse(envelope);
        byte[] box = Convert.FromBase64String(doc.RootElement.GetProperty("ciphertext").GetString()!);
        box[20] ^= 0x40;
        string tampered = $$"""{"nonce":"{{doc.RootElement.GetProperty("nonce").GetString()}}","ciphertext":"{{Convert.ToBase64String(box)}}"}""";
        await connection.SendEventAsync("tampered", Channel, tampered, ct);
        await connection.SendEventAsync("short-nonce", Channel, """{"nonce":"AAAA","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}""", ct);
        await h.Server.PublishAsync("public-news", "n", "1", ct);
        await h.Server.PublishAsync(Channel, "good", "2", ct);

        Assert.That(await plainEvents.Reader.ReadAsync(ct), Is.EqualTo("1"));
        Assert.That(await events.Reader.ReadAsync(ct), Is.EqualTo("good:2"));
        var statuses = new[] { await h.NextErrorAsync(ct), await h.NextErrorAsync(ct) }.Cast<PusherDecryptionException>().Select(e => (e.EventName, e.Status));
        Assert.That(statuses, Is.EqualTo(new[] { ("tampered", DecryptionStatus.AuthenticationFailed), ("short-nonce", DecryptionStatus.InvalidNonce) }));
        Assert.That(connection.IsClosed, Is.False);
    }

    [Test]
    public async Task ReauthorizationFailure_IsReportedWithItsCause_AndTheChannelKeepsItsKey(CancellationToken ct)
    {
        int calls = 0;
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct, o => o with
        {
            AuthInterceptor = (_, _) => ValueTask.FromResult(Interlocked.Increment(ref calls) == 2 ? new TestAuthResponse(500, "{}") : null),
        });
        var (_, connection, events) = await h.SubscribeAsync(Channel, ct);

        await connection.SendEventAsync("foreign", Channel, EncryptedRouting.Seal(RandomNumberGenerator.GetBytes(32), "{}"), ct);
        await h.Server.PublishAsync(Channel, "good", "3", ct);

        Assert.That(await events.Reader.ReadAsync(ct), Is.EqualTo("good:3"), "the old key still decrypts");
        var error = (PusherDecryptionException)await h.NextErrorAsync(ct);
        Assert.That(error.Status, Is.EqualTo(DecryptionStatus.ReauthorizationFailed));
        Assert.That(error.InnerException, Is.InstanceOf<ChannelAuthorizationException>());
    }

    [Test]
    public async Task Reconnect_RefetchesTheSecret(CancellationToken ct)
    {
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct);
        var (channel, first, events) = await h.SubscribeAsync(Channel, ct);

        h.Server.RotateChannelKey(Channel);
        first.Abort();
        await h.ReconnectSignal.WaitAsync(ct);
        h.Time.Advance(h.Reconnects.Last().Delay);
        TestConnection second = await h.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync(Channel, ct);
        await channel.WaitForSubscriptionAsync(ct);
        await h.Server.PublishAsync(Channel, "after-reconnect", "4", ct);

        Assert.That(await events.Reader.ReadAsync(ct), Is.EqualTo("after-reconnect:4"));
        Assert.That(h.Server.AuthRequests.Select(r => r.SocketId), Is.EqualTo(new[] { first.SocketId, second.SocketId }),
            "the new key came with the reconnect's authorization, no decrypt failure was needed");
        Assert.That(h.Errors.OfType<PusherDecryptionException>(), Is.Empty);
    }

    [Test]
    public async Task AuthResponseWithoutSharedSecret_FailsTheSubscription(CancellationToken ct)
    {
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct, o => o with { EncryptionMasterKeyBase64 = null });
        await h.Client.ConnectAsync(ct);
        PusherChannel channel = h.Client.Subscribe(Channel);

        var error = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));
        Assert.That(error!.Failure, Is.EqualTo(ChannelAuthorizationFailure.InvalidResponse));
        Assert.That(error.Message, Does.Contain("shared_secret"));
        Assert.That(channel.State, Is.EqualTo(SubscriptionState.Failed));
        Assert.That(h.Server.Connections[0].Frames, Has.None.Contains("pusher:subscribe"), "never subscribed without a key");
    }

    [Test]
    public async Task SharedSecretThatIsNot32Bytes_FailsTheSubscription_WithoutQuotingIt(CancellationToken ct)
    {
        const string bogus = "c2hvcnQtc2VjcmV0LVNFTlRJTkVM"; // base64 of 21 bytes
        await using EncryptedHarness h = await EncryptedHarness.StartAsync(ct, o => o with
        {
            AuthInterceptor = (r, _) => ValueTask.FromResult<TestAuthResponse?>(new TestAuthResponse(200,
                $$"""{"auth":"{{PusherSignature.Sign(o.AppKey, o.AppSecret, r.SocketId, r.ChannelName, null)}}","shared_secret":"{{bogus}}"}""")),
        });
        await h.Client.ConnectAsync(ct);
        PusherChannel channel = h.Client.Subscribe(Channel);

        var error = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));
        Assert.That(error!.Message, Does.Contain("32 bytes").And.Not.Contain(bogus));
    }
}
