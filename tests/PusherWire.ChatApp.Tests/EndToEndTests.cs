using System.Collections.Concurrent;
using PusherWire.ChatApp.Tests.Samples;
using PusherWire.Testing;

namespace PusherWire.ChatApp.Tests;

/// <summary>
/// The typed ChatApp API over real loopback sockets: the ChatApp preset against PusherWire.Testing configured like
/// ChatApp's server (key, token-protected /broadcasting/auth, the three private channel kinds), every documentation
/// sample published the way a Pusher server sends it (data JSON-encoded as a string).
/// </summary>
public class EndToEndTests
{
    private const string Token = "$2y$10$e2e-SENTINEL-access-token";

    private static readonly string[] Channels = [ChatAppSamples.LicenseChannel, ChatAppSamples.CompanyChannel, ChatAppSamples.UserChannel];

    [Test, CancelAfter(60_000)]
    public async Task EverySample_ArrivesTyped_OnItsChannel_InOrder(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        await using PusherClient client = CreateClient(server, _ => ValueTask.FromResult(Token));
        var received = new ConcurrentQueue<ChatAppEvent>();
        using var got = new SemaphoreSlim(0);
        var subscriptions = Channels.Select(client.SubscribeChatApp).ToList();
        foreach (ChatAppSubscription subscription in subscriptions)
        {
            subscription.On<ChatAppEvent>(e => { received.Enqueue(e); got.Release(); });
        }

        var messages = new ConcurrentQueue<MessageEvent>();
        subscriptions[0].On<MessageEvent>(messages.Enqueue);

        await client.ConnectAsync(ct);
        await Task.WhenAll(subscriptions.Select(s => s.WaitForSubscriptionAsync(ct)));
        foreach (ChatAppSamples.Sample sample in ChatAppSamples.All)
        {
            Assert.That(await server.PublishAsync(sample.Channel, sample.EventName, sample.Json, ct), Is.EqualTo(1));
        }

        for (int i = 0; i < ChatAppSamples.All.Count; i++)
        {
            await got.WaitAsync(ct);
        }

        Assert.That(received.Select(e => (e.EventName, e.Channel)), Is.EqualTo(ChatAppSamples.All.Select(s => (s.EventName, s.Channel))));
        Assert.That(received.Select(e => e.GetType().Name), Has.None.EqualTo(nameof(UnknownChatAppEvent)));
        QuickResponseEvent bulk = received.OfType<QuickResponseEvent>().Last();
        Assert.That(bulk.Items.Select(i => i.QuickResponse!.Id), Is.EqualTo(new long[] { 1197, 1198 }), "the bulk destroy carries both items");
        Assert.That(received.OfType<ChatReadEvent>().Single().Meta.LicenseId, Is.EqualTo(1229), "licenseId sent as a string still reads as a number");

        MessageEvent message = messages.Single();
        Assert.That((message.Items[0].Id, message.Items[0].Message!.Text, message.Meta.Messenger), Is.EqualTo((696L, "Test", ChatAppMessenger.Telegram)));
    }

    [Test, CancelAfter(60_000)]
    public async Task AwaitForeach_StreamsTypedEvents_FromTheUserChannel(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        await using PusherClient client = CreateClient(server, _ => ValueTask.FromResult(Token));
        ChatAppSubscription user = client.SubscribeChatApp(ChatAppSamples.UserChannel);
        var expected = ChatAppSamples.All.Where(s => s.Channel == ChatAppSamples.UserChannel).ToList();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stream = user.ReadAllAsync(reading.Token).GetAsyncEnumerator(reading.Token);
        Task<bool> first = stream.MoveNextAsync().AsTask(); // enumeration starts (and queues) before anything is published

        await client.ConnectAsync(ct);
        await user.WaitForSubscriptionAsync(ct);
        foreach (ChatAppSamples.Sample sample in expected)
        {
            await server.PublishAsync(sample.Channel, sample.EventName, sample.Json, ct);
        }

        var got = new List<ChatAppEvent>();
        Assert.That(await first, Is.True);
        got.Add(stream.Current);
        while (got.Count < expected.Count && await stream.MoveNextAsync())
        {
            got.Add(stream.Current);
        }

        await reading.CancelAsync();
        await stream.DisposeAsync();
        Assert.That(got.Select(e => e.EventName), Is.EqualTo(expected.Select(s => s.EventName)));
        Assert.That(got, Has.All.InstanceOf<QuickResponseListEvent>().Or.InstanceOf<QuickResponseEvent>());
        Assert.That(got.OfType<QuickResponseListEvent>().First().Meta.UserId, Is.EqualTo(685));
    }

    [Test, CancelAfter(60_000)]
    public async Task MalformedData_IsReportedTyped_AndTheNextEventStillArrives(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        await using PusherClient client = CreateClient(server, _ => ValueTask.FromResult(Token));
        var errors = new ConcurrentQueue<PusherException>();
        client.Error += (_, e) => errors.Enqueue(e);
        ChatAppSubscription license = client.SubscribeChatApp(ChatAppSamples.LicenseChannel);
        var statuses = new TaskCompletionSource<MessageStatusEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        int messages = 0;
        license.On<MessageEvent>(_ => Interlocked.Increment(ref messages));
        license.On<MessageStatusEvent>(e => statuses.TrySetResult(e));
        var unknown = new TaskCompletionSource<UnknownChatAppEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        license.OnUnknown(e => unknown.TrySetResult(e));
        await client.ConnectAsync(ct);
        await license.WaitForSubscriptionAsync(ct);

        await server.PublishAsync(ChatAppSamples.LicenseChannel, "message", """{"payload":{"data":"not-a-list-SENTINEL","meta":{}}}""", ct);
        await server.PublishAsync(ChatAppSamples.LicenseChannel, "chatPinned", """{"payload":{"data":[{"x":1}]}}""", ct);
        ChatAppSamples.Sample status = ChatAppSamples.Get("messageStatus");
        await server.PublishAsync(status.Channel, status.EventName, status.Json, ct);

        Assert.That((await statuses.Task.WaitAsync(ct)).Items[0].Id, Is.EqualTo(42213));
        UnknownChatAppEvent newEvent = await unknown.Task.WaitAsync(ct);
        Assert.That((newEvent.EventName, newEvent.DataAsString), Is.EqualTo(("chatPinned", """{"payload":{"data":[{"x":1}]}}""")));
        Assert.That(messages, Is.Zero);
        var format = errors.OfType<ChatAppEventFormatException>().Single();
        Assert.That(format.EventName, Is.EqualTo("message"));
        Assert.That(format.Message, Does.Not.Contain("SENTINEL"), "the payload is not echoed into the error");
        Assert.That(client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task ExpiredToken_IsRefreshedAfterA401_AndNeverLeaks(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        int asked = 0;
        await using PusherClient client = CreateClient(server, _ => ValueTask.FromResult(Interlocked.Increment(ref asked) == 1 ? "expired-SENTINEL" : Token));
        var errors = new ConcurrentQueue<PusherException>();
        client.Error += (_, e) => errors.Enqueue(e);
        ChatAppSubscription company = client.SubscribeChatApp(ChatAppSamples.CompanyChannel);

        await client.ConnectAsync(ct);
        await company.WaitForSubscriptionAsync(ct);

        Assert.That(server.AuthRequests.Select(r => r.Authorized), Is.EqualTo(new[] { false, true }), "one 401, then the provider's fresh token");
        Assert.That(asked, Is.EqualTo(2));
        Assert.That(errors, Is.Empty);
        Assert.That(client.ToString() + client.Options, Does.Not.Contain("SENTINEL").And.Not.Contain(Token));
    }

    [Test, CancelAfter(60_000)]
    public async Task ChannelOfAnotherAccount_FailsWith403_OthersUnaffected(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        await using PusherClient client = CreateClient(server, _ => ValueTask.FromResult(Token));
        ChatAppSubscription mine = client.SubscribeChatApp(ChatAppSamples.UserChannel);
        ChatAppSubscription other = client.SubscribeChatApp(ChatAppChannels.User(999));

        await client.ConnectAsync(ct);
        await mine.WaitForSubscriptionAsync(ct);
        var refused = await Assert.ThrowsAsync<PusherWire.Authorization.ChannelAuthorizationException>(() => other.WaitForSubscriptionAsync(ct));

        Assert.That(refused!.StatusCode, Is.EqualTo(403));
        Assert.That(mine.PusherChannel.State, Is.EqualTo(SubscriptionState.Subscribed));
        Assert.That(refused.ToString(), Does.Not.Contain(Token));
    }

    /// <summary>A server shaped like ChatApp's: its app key, a token-protected auth endpoint, and only this account's channels.</summary>
    private static Task<PusherTestServer> StartServerAsync(CancellationToken ct) =>
        PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            AppKey = ChatAppOptions.DefaultKey,
            RequiredAuthorization = Token,
            AuthorizeChannel = Channels.Contains,
        }, ct);

    private static PusherClient CreateClient(PusherTestServer server, Func<CancellationToken, ValueTask<string>> tokens) =>
        ChatAppClientFactory.CreateClient(new ChatAppOptions
        {
            TokenProvider = tokens,
            Host = server.Host,
            Port = server.Port,
            UseTls = false,
            AllowInsecureTransport = true,
            AuthEndpoint = server.AuthEndpoint,
        });
}
