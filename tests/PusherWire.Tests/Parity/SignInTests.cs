// User sign-in against the test server: pusher:signin, the user channel, reconnects, failures, the watchlist.
using PusherWire.Authorization;
using PusherWire.Testing;
using PusherWire.Tests.Integration;

namespace PusherWire.Tests.Parity;

public class SignInTests
{
    private const string UserData = """{"id":"u7","user_info":{"name":"Ann"}}""";

    private static PusherTestServerOptions Server() => new() { RequiredAuthorization = ClientHarness.Token, UserDataFor = _ => UserData };

    internal static Uri UserAuthEndpoint(PusherOptions o) => new($"http://{o.Host}:{o.Port}{PusherTestServer.UserAuthPath}");

    private static Task<ClientHarness> StartAsync(CancellationToken ct, string token = ClientHarness.Token, Func<PusherOptions, IUserAuthenticator?>? authenticator = null, IChannelAuthorizer? authorizer = null) =>
        ClientHarness.StartAsync(Server(), o => o with
        {
            UserAuthenticator = authenticator is null
                ? new HttpUserAuthenticator(new HttpUserAuthenticatorOptions(UserAuthEndpoint(o))
                {
                    AllowInsecureTransport = true,
                    AuthorizationProvider = _ => ValueTask.FromResult(token),
                })
                : authenticator(o),
            Authorizer = authorizer ?? o.Authorizer,
        }, ct: ct);

    [Test, CancelAfter(60_000)]
    public async Task SignIn_PostsTheSocketIdWithTheToken_SendsSignin_AndDeliversUserChannelEvents(CancellationToken ct)
    {
        await using ClientHarness h = await StartAsync(ct);
        using var events = new Collector<string>();
        using var global = new Collector<string>();
        h.Client.User.Bind("notice", (in PusherEvent e) => events.Add($"{e.GetChannelName()} {e.GetDataString()}"));
        h.Client.BindGlobal((in PusherEvent e) => global.Add(e.GetEventName()));

        await h.Client.ConnectAsync(ct);
        await h.Client.SignInAsync(ct);

        Assert.That(h.Client.User.Id, Is.EqualTo("u7"));
        Assert.That(h.Client.User.UserDataJson, Is.EqualTo(UserData));
        Assert.That(h.Client.User.ChannelName, Is.EqualTo("#server-to-user-u7"));
        TestAuthRequest request = h.Server.UserAuthRequests.Single();
        Assert.That(request.Authorized, Is.True);
        Assert.That(request.SocketId, Is.EqualTo(h.Client.SocketId));
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        Assert.That(await server.WaitForSignInAsync(ct), Is.EqualTo("u7"));
        await server.WaitForSubscriptionAsync("#server-to-user-u7", ct);
        Assert.That(h.Client.Channels, Is.Empty, "the user channel is not a channel of Subscribe");

        Assert.That(await h.Server.SendToUserAsync("u7", "notice", """{"n":1}""", ct), Is.EqualTo(1));
        Assert.That(await events.WaitForCountAsync(1, ct), Is.EqualTo("""#server-to-user-u7 {"n":1}"""));
        await global.WaitForAsync(n => n == "notice", ct); // pusher-js's global emitter hears every non-internal event
    }

    [Test, CancelAfter(60_000)]
    public async Task AfterAReconnect_TheClientSignsInAgain_WithTheNewSocketId(CancellationToken ct)
    {
        await using ClientHarness h = await StartAsync(ct);
        int signedIn = 0;
        h.Client.User.SignedIn += (_, _) => Interlocked.Increment(ref signedIn);
        h.Client.SignIn();
        await h.Client.ConnectAsync(ct);
        TestConnection first = await h.Server.WaitForConnectionAsync(0, ct);
        await first.WaitForSubscriptionAsync("#server-to-user-u7", ct);

        first.Abort();
        await h.AdvanceThroughNextReconnectAsync(ct);
        TestConnection second = await h.Server.WaitForConnectionAsync(1, ct);

        Assert.That(await second.WaitForSignInAsync(ct), Is.EqualTo("u7"));
        await second.WaitForSubscriptionAsync("#server-to-user-u7", ct);
        Assert.That(h.Server.UserAuthRequests.Select(r => r.SocketId), Is.EqualTo(new[] { first.SocketId, second.SocketId }));
        Assert.That(Volatile.Read(ref signedIn), Is.EqualTo(2));
    }

    [Test, CancelAfter(60_000)]
    public async Task EndpointStatus_FailsTheSignInWithATypedError_WithoutTheToken(CancellationToken ct)
    {
        await using ClientHarness h = await StartAsync(ct, token: "wrong-SENTINEL");
        using var failures = new Collector<PusherSignInException>();
        h.Client.User.SignInFailed += (_, e) => failures.Add(e);
        await h.Client.ConnectAsync(ct);

        var error = await Assert.ThrowsAsync<PusherSignInException>(() => h.Client.SignInAsync(ct));

        Assert.That(error!.Failure, Is.EqualTo(PusherSignInFailure.HttpStatus));
        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(error.ToString(), Does.Not.Contain("SENTINEL"));
        Assert.That(await failures.WaitForCountAsync(1, ct), Is.SameAs(error));
        Assert.That(h.Errors, Has.Member(error));
        Assert.That(h.Client.User.IsSignedIn, Is.False);
        Assert.That(h.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task ServerRefusal4009_FailsTheSignIn(CancellationToken ct)
    {
        await using ClientHarness h = await StartAsync(ct, authenticator: _ => new FuncAuthenticator(_ => new UserAuthentication("test-app-key:bad", UserData)));
        await h.Client.ConnectAsync(ct);

        var error = await Assert.ThrowsAsync<PusherSignInException>(() => h.Client.SignInAsync(ct));

        Assert.That(error!.Failure, Is.EqualTo(PusherSignInFailure.Refused));
        Assert.That(error.StatusCode, Is.EqualTo(4009));
    }

    [TestCase("""{"name":"no id"}""")]
    [TestCase("""{"id":""}""")]
    [TestCase("""{"id":7}""")]
    [TestCase("not json")]
    [CancelAfter(60_000)]
    public async Task UserDataWithoutANonEmptyStringId_FailsTheSignIn(string userData, CancellationToken ct)
    {
        await using ClientHarness h = await StartAsync(ct, authenticator: _ => new FuncAuthenticator(r =>
            new UserAuthentication(PusherUserSignature.Sign("test-app-key", "test-app-secret", r.SocketId, userData), userData)));
        await h.Client.ConnectAsync(ct);

        var error = await Assert.ThrowsAsync<PusherSignInException>(() => h.Client.SignInAsync(ct));

        Assert.That(error!.Failure, Is.EqualTo(PusherSignInFailure.InvalidUserData));
        Assert.That(h.Client.User.Id, Is.Null);
    }

    [Test, CancelAfter(60_000)]
    public async Task NoAuthenticator_FailsTheSignInClearly(CancellationToken ct)
    {
        await using ClientHarness h = await StartAsync(ct, authenticator: _ => null);
        await h.Client.ConnectAsync(ct);

        var error = await Assert.ThrowsAsync<PusherSignInException>(() => h.Client.SignInAsync(ct));

        Assert.That(error!.Message, Does.Contain("UserAuthenticator"));
    }

    [Test, CancelAfter(60_000)]
    public async Task WatchlistEvents_BecomeOnlineAndOfflineNotifications(CancellationToken ct)
    {
        await using ClientHarness h = await StartAsync(ct);
        using var watchlist = new Collector<WatchlistEventArgs>();
        h.Client.User.WatchlistEvent += (_, e) => watchlist.Add(e);
        await h.Client.ConnectAsync(ct);
        await h.Client.SignInAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync("#server-to-user-u7", ct);

        await h.Server.SendWatchlistEventAsync("u7", "online", ["a", "b"], ct);
        await h.Server.SendWatchlistEventAsync("u7", "offline", ["a"], ct);

        await watchlist.WaitForCountAsync(2, ct);
        Assert.That(watchlist.Items.Select(e => $"{e.Name}:{string.Join(",", e.UserIds)}"), Is.EqualTo(new[] { "online:a,b", "offline:a" }));
    }

    [Test, CancelAfter(60_000)]
    public async Task PresenceChannelWithoutChannelData_UsesTheSignedInUser_AsPusherJsDoes(CancellationToken ct)
    {
        // Signs the subscription without channel_data (socket_id:channel only), as an app relying on sign-in does.
        var authorizer = new FuncAuthorizer(r => new ChannelAuthorization(PusherSignature.Sign("test-app-key", "test-app-secret", r.SocketId, r.ChannelName)));
        await using ClientHarness h = await StartAsync(ct, authorizer: authorizer);
        await h.Client.ConnectAsync(ct);
        await h.Client.SignInAsync(ct);
        PusherChannel room = h.Client.Subscribe("presence-room");

        await room.WaitForSubscriptionAsync(ct);

        Assert.That(room.Members!.MyId, Is.EqualTo("u7"));
    }

    private sealed class FuncAuthorizer(Func<ChannelAuthorizationRequest, ChannelAuthorization> answer) : IChannelAuthorizer
    {
        public ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(answer(request));
    }

    private sealed class FuncAuthenticator(Func<UserAuthenticationRequest, UserAuthentication> answer) : IUserAuthenticator
    {
        public ValueTask<UserAuthentication> AuthenticateAsync(UserAuthenticationRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(answer(request));
    }
}
