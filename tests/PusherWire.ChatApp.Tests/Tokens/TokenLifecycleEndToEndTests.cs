// A ChatApp listener across simulated days: the preset with a token manager against the test server's token API.
using Microsoft.Extensions.Time.Testing;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.ChatApp.Tests.Tokens;

/// <summary>
/// The whole lifecycle over loopback sockets: PusherWire.Testing issues 24 h access tokens and 14 day refresh tokens on a
/// FakeTimeProvider and refuses expired ones at /broadcasting/auth like ChatApp; the client's reconnect re-authorizes every
/// channel through <see cref="ChatAppTokenManager"/>. No test waits for wall-clock time to pass.
/// </summary>
public class TokenLifecycleEndToEndTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Channels = [ChatAppChannels.Company(2224), ChatAppChannels.User(685), ChatAppChannels.LicenseMessenger(1229, "telegram")];
    private static readonly ChatAppCredentials Credentials = new("test@example.com", "test-password", "test-app");

    [Test, CancelAfter(60_000)]
    public async Task AfterTheAccessTokenExpires_AReconnectRefreshesOnce_AndEveryChannelIsReauthorized(CancellationToken ct)
    {
        var time = new FakeTimeProvider(Start);
        await using PusherTestServer server = await StartServerAsync(time, ct);
        using ChatAppTokenManager manager = Manager(server, time, Credentials);
        await using PusherClient client = CreateClient(server, manager);
        List<ChatAppSubscription> subscriptions = [.. Channels.Select(client.SubscribeChatApp)];
        await client.ConnectAsync(ct);
        await Task.WhenAll(subscriptions.Select(s => s.WaitForSubscriptionAsync(ct)));
        Assert.That((server.Tokens!.MakeCount, server.Tokens.RefreshCount), Is.EqualTo((1, 0)), "one make at start");

        time.Advance(TimeSpan.FromHours(25));
        TestConnection first = await server.WaitForConnectionAsync(0, ct);
        await first.CloseAsync(4200, "reconnect", ct);
        TestConnection second = await server.WaitForConnectionAsync(1, ct);
        foreach (string channel in Channels)
        {
            await second.WaitForSubscriptionAsync(channel, ct);
        }

        Assert.That((server.Tokens.MakeCount, server.Tokens.RefreshCount), Is.EqualTo((1, 1)), "three channels, one refresh, no second make");
        Assert.That(server.Tokens.RefusedAuthorizationCount, Is.Zero, "the manager saw the end time and refreshed before asking");
        Assert.That(server.Tokens.IsAccessTokenValid(manager.Current!.AccessToken), Is.True);
    }

    [Test, CancelAfter(60_000)]
    public async Task WhenTheServerRefusesAToken_TheManagerBelievedFresh_OneRefreshServesEveryChannel(CancellationToken ct)
    {
        var serverTime = new FakeTimeProvider(Start);
        var clientTime = new FakeTimeProvider(Start); // a client clock that lags: it never sees the expiry coming
        await using PusherTestServer server = await StartServerAsync(serverTime, ct);
        using ChatAppTokenManager manager = Manager(server, clientTime, Credentials);
        await using PusherClient client = CreateClient(server, manager);
        List<ChatAppSubscription> subscriptions = [.. Channels.Select(client.SubscribeChatApp)];
        await client.ConnectAsync(ct);
        await Task.WhenAll(subscriptions.Select(s => s.WaitForSubscriptionAsync(ct)));

        serverTime.Advance(TimeSpan.FromHours(25));
        await (await server.WaitForConnectionAsync(0, ct)).CloseAsync(4200, "reconnect", ct);
        TestConnection second = await server.WaitForConnectionAsync(1, ct);
        foreach (string channel in Channels)
        {
            await second.WaitForSubscriptionAsync(channel, ct);
        }

        Assert.That(server.Tokens!.RefusedAuthorizationCount, Is.InRange(1, Channels.Length), "the old token was refused with 401");
        Assert.That((server.Tokens.MakeCount, server.Tokens.RefreshCount), Is.EqualTo((1, 1)), "the 401s led to one refresh");
    }

    [Test, CancelAfter(60_000)]
    public async Task AfterTheRefreshTokenExpires_TheManagerMakesANewPair(CancellationToken ct)
    {
        var time = new FakeTimeProvider(Start);
        await using PusherTestServer server = await StartServerAsync(time, ct);
        using ChatAppTokenManager manager = Manager(server, time, Credentials);
        await using PusherClient client = CreateClient(server, manager);
        ChatAppSubscription company = client.SubscribeChatApp(Channels[0]);
        await client.ConnectAsync(ct);
        await company.WaitForSubscriptionAsync(ct);

        time.Advance(TimeSpan.FromDays(15));
        await (await server.WaitForConnectionAsync(0, ct)).CloseAsync(4200, "reconnect", ct);
        await (await server.WaitForConnectionAsync(1, ct)).WaitForSubscriptionAsync(Channels[0], ct);

        Assert.That((server.Tokens!.MakeCount, server.Tokens.RefreshCount), Is.EqualTo((2, 0)));
    }

    [Test, CancelAfter(60_000)]
    public async Task RevokedTokens_WithoutCredentials_FailTheChannelsWithATypedError_AndTheConnectionStaysUp(CancellationToken ct)
    {
        var time = new FakeTimeProvider(Start);
        await using PusherTestServer server = await StartServerAsync(time, ct);
        TestTokenPair seeded = server.Tokens!.Issue();
        using var manager = new ChatAppTokenManager(new ChatAppTokenManagerOptions
        {
            Api = ApiOptions(server, time),
            InitialPair = new ChatAppTokenPair(seeded.AccessToken, seeded.AccessTokenEndTime, seeded.RefreshToken, seeded.RefreshTokenEndTime),
        });
        await using PusherClient client = CreateClient(server, manager);
        ChatAppSubscription company = client.SubscribeChatApp(Channels[0]);
        await client.ConnectAsync(ct);
        await company.WaitForSubscriptionAsync(ct);

        server.Tokens.RevokeAll(); // a password change: neither token works any more
        await (await server.WaitForConnectionAsync(0, ct)).CloseAsync(4200, "reconnect", ct);
        var e = await Assert.ThrowsAsync<ChatAppTokenException>(() => client.SubscribeChatApp(Channels[1]).WaitForSubscriptionAsync(ct));

        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.RefreshTokenRefused));
        Assert.That(e.ToString(), Does.Not.Contain(seeded.RefreshToken).And.Not.Contain(seeded.AccessToken));
        Assert.That(client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task WrongPassword_IsCredentialsRefused_OnTheChannel(CancellationToken ct)
    {
        var time = new FakeTimeProvider(Start);
        await using PusherTestServer server = await StartServerAsync(time, ct);
        using ChatAppTokenManager manager = Manager(server, time, Credentials with { Password = "wrong-SENTINEL" });
        await using PusherClient client = CreateClient(server, manager);
        ChatAppSubscription company = client.SubscribeChatApp(Channels[0]);
        await client.ConnectAsync(ct);

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(() => company.WaitForSubscriptionAsync(ct));
        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.CredentialsRefused));
        Assert.That(e.ToString(), Does.Not.Contain("wrong-SENTINEL"));
        Assert.That(server.AuthRequestCount, Is.Zero, "no auth request without a token");
    }

    [Test, CancelAfter(60_000)]
    public async Task TheTestServersTokenApi_IssuesRefreshesRotatesAndChecks(CancellationToken ct)
    {
        var time = new FakeTimeProvider(Start);
        await using PusherTestServer server = await StartServerAsync(time, ct);
        var api = new ChatAppTokenClient(ApiOptions(server, time));

        ChatAppTokenPair made = await api.MakeAsync(Credentials, ct);
        Assert.That(made.AccessTokenEndTime, Is.EqualTo(Start.AddHours(24)));
        Assert.That(made.RefreshTokenEndTime, Is.EqualTo(Start.AddDays(14)));
        Assert.That(await api.CheckAsync(made.AccessToken, ct), Is.True);

        ChatAppTokenPair refreshed = await api.RefreshAsync(made.RefreshToken, ct);
        Assert.That(refreshed.AccessToken, Is.Not.EqualTo(made.AccessToken));
        var reuse = await Assert.ThrowsAsync<ChatAppTokenException>(() => api.RefreshAsync(made.RefreshToken, ct));
        Assert.That(reuse!.Failure, Is.EqualTo(ChatAppTokenFailure.RefreshTokenRefused), "a used refresh token is rotated out");

        time.Advance(TimeSpan.FromHours(24));
        Assert.That(await api.CheckAsync(refreshed.AccessToken, ct), Is.False, "expired after 24 h");
        Assert.That((server.Tokens!.MakeCount, server.Tokens.RefreshCount, server.Tokens.CheckCount), Is.EqualTo((1, 2, 2)));
    }

    [Test]
    public void ChatAppOptions_TakesExactlyOneTokenSource()
    {
        using var manager = new ChatAppTokenManager(new ChatAppTokenManagerOptions { Credentials = Credentials });
        Assert.DoesNotThrow(() => new ChatAppOptions { TokenManager = manager }.Validate());
        Assert.Throws<ArgumentException>(() => new ChatAppOptions { TokenManager = manager, Token = "t" }.Validate());
        Assert.Throws<ArgumentException>(() => new ChatAppOptions { TokenManager = manager, TokenProvider = manager.GetAccessTokenAsync }.Validate());
        HttpChannelAuthorizer authorizer = ChatAppClientFactory.CreateAuthorizer(new ChatAppOptions { TokenManager = manager });
        Assert.That(authorizer.Options.AuthorizationProvider, Is.Not.Null);
        Assert.That(authorizer.Options.AuthorizationRejected, Is.Not.Null);
    }

    private static Task<PusherTestServer> StartServerAsync(TimeProvider time, CancellationToken ct) =>
        PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            AppKey = ChatAppOptions.DefaultKey,
            TokenEndpoints = new TestTokenEndpointsOptions { TimeProvider = time },
        }, ct);

    private static ChatAppTokenClientOptions ApiOptions(PusherTestServer server, TimeProvider time) =>
        new() { ApiBase = server.ApiBase, AllowInsecureTransport = true, RetryDelay = TimeSpan.Zero, TimeProvider = time };

    private static ChatAppTokenManager Manager(PusherTestServer server, TimeProvider time, ChatAppCredentials credentials) =>
        new(new ChatAppTokenManagerOptions { Api = ApiOptions(server, time), Credentials = credentials });

    private static PusherClient CreateClient(PusherTestServer server, ChatAppTokenManager manager) =>
        ChatAppClientFactory.CreateClient(new ChatAppOptions
        {
            TokenManager = manager,
            Host = server.Host,
            Port = server.Port,
            UseTls = false,
            AllowInsecureTransport = true,
            AuthEndpoint = server.AuthEndpoint,
        });
}
