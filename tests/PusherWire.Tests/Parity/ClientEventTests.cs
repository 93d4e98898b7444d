// Client events with pusher-js's and Pusher's rules: prefix, channel kind, subscription, size, rate, user_id.
using Microsoft.Extensions.Time.Testing;
using PusherWire.Internal;
using PusherWire.Testing;
using PusherWire.Tests.Integration;

namespace PusherWire.Tests.Parity;

public class ClientEventTests
{
    [Test, CancelAfter(60_000)]
    public async Task Trigger_RefusesWrongNamesChannelKindsSizesAndNonJson_BeforeSending(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { Encryption = new NoCipher() }, ct: ct);
        PusherChannel priv = h.Client.Subscribe("private-chat");
        PusherChannel pub = h.Client.Subscribe("lobby");
        PusherChannel encrypted = h.Client.Subscribe("private-encrypted-secret");
        await h.Client.ConnectAsync(ct);
        await priv.WaitForSubscriptionAsync(ct);

        await Assert.ThrowsAsync<ArgumentException>(() => priv.TriggerAsync("typing", "{}", ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => pub.TriggerAsync("client-typing", "{}", ct));
        var encryptedError = await Assert.ThrowsAsync<InvalidOperationException>(() => encrypted.TriggerAsync("client-typing", "{}", ct));
        Assert.That(encryptedError!.Message, Does.Contain("PrivateEncrypted"));
        await Assert.ThrowsAsync<ArgumentException>(() => priv.TriggerAsync("client-big", $"\"{new string('x', 10 * 1024)}\"", ct));
        await Assert.ThrowsAsync<ArgumentException>(() => priv.TriggerAsync("client-bad", "{not json", ct));

        Assert.That(await priv.TriggerAsync("client-ok", """{"a":1}""", ct), Is.True);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForFrameAsync(f => f.Contains("client-ok"), ct);
        Assert.That(server.Frames.Count(f => f.Contains("\"client-")), Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task Trigger_BeforeTheSubscriptionIsConfirmed_ReturnsFalse_AndSendsNothing(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(new PusherTestServerOptions { RequiredAuthorization = ClientHarness.Token, IgnoreSubscription = c => c == "private-slow" }, ct: ct);
        PusherChannel slow = h.Client.Subscribe("private-slow");
        await h.Client.ConnectAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForFrameAsync(f => f.Contains("pusher:subscribe"), ct);

        Assert.That(await slow.TriggerAsync("client-x", "{}", ct), Is.False);
        Assert.That(server.Frames, Has.None.Contains("client-x"));
    }

    [Test, CancelAfter(60_000)]
    public async Task RateLimit_FailsFastAboveTheLimit_AndRecoversAfterTheWindow(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { ClientEventRateLimit = 3 }, ct: ct);
        PusherChannel priv = h.Client.Subscribe("private-chat");
        await h.Client.ConnectAsync(ct);
        await priv.WaitForSubscriptionAsync(ct);

        for (int i = 0; i < 3; i++)
        {
            Assert.That(await priv.TriggerAsync($"client-{i}", "{}", ct), Is.True);
        }

        var error = await Assert.ThrowsAsync<PusherRateLimitException>(() => priv.TriggerAsync("client-3", "{}", ct));
        Assert.That(error!.Limit, Is.EqualTo(3));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await priv.TriggerAsync("client-4", "{}", ct), Is.True);

        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForFrameAsync(f => f.Contains("client-4"), ct);
        Assert.That(server.Frames, Has.None.Contains("client-3"));
    }

    [Test]
    public void SlidingWindow_AllowsLimitPerWindow_CountingFromEachAcquisition()
    {
        var time = new FakeTimeProvider();
        var limiter = new SlidingWindowLimiter(2, TimeSpan.FromSeconds(1), time);

        Assert.That(limiter.TryAcquire(), Is.True);
        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.That(limiter.TryAcquire(), Is.True);
        Assert.That(limiter.TryAcquire(), Is.False);
        time.Advance(TimeSpan.FromMilliseconds(400)); // the first left the window, the second has not
        Assert.That(limiter.TryAcquire(), Is.True);
        Assert.That(limiter.TryAcquire(), Is.False);
    }

    [Test, CancelAfter(60_000)]
    public async Task OnPresenceChannels_RelayedClientEventsCarryTheSendersUserId(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = ClientHarness.Token,
            PresenceMemberFor = (socketId, _) => new PresenceMember("user-" + socketId),
        }, ct: ct);
        await using var other = new PusherClient(h.Client.Options with { DefaultSocketDecorator = null });
        PusherChannel mine = h.Client.Subscribe("presence-room");
        PusherChannel theirs = other.Subscribe("presence-room");
        using var received = new Collector<string>();
        theirs.Bind("client-hi", (in PusherEvent e) => received.Add($"{System.Text.Encoding.UTF8.GetString(e.UserId)} {e.GetDataString()}"));
        await h.Client.ConnectAsync(ct);
        await other.ConnectAsync(ct);
        await Task.WhenAll(mine.WaitForSubscriptionAsync(ct), theirs.WaitForSubscriptionAsync(ct));

        Assert.That(await mine.TriggerAsync("client-hi", """{"x":1}""", ct), Is.True);

        Assert.That(await received.WaitForCountAsync(1, ct), Is.EqualTo($$"""user-{{h.Client.SocketId}} {"x":1}"""));
    }

    /// <summary>Lets an encrypted channel be created; the refusal of client events happens before any cipher is used.</summary>
    private sealed class NoCipher : PusherWire.Encryption.IChannelEncryption
    {
        public PusherWire.Encryption.IChannelDecryptor CreateDecryptor(ReadOnlySpan<byte> key) => throw new NotSupportedException();

        public void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext) => throw new NotSupportedException();
    }
}
