using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>Auth endpoint and token faults (catalogue 36-44). The auth endpoint's timeout runs on the fake clock.</summary>
public class AuthFaultTests
{
    private const string Private = "private-v1.users.685";
    private const string Other = "private-v1.companies.2224";

    [Test, CancelAfter(60_000)]
    public async Task S36_Auth401_AsksForAFreshTokenOnce_ThenFailsThatChannelOnly(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        r.TokenSource = _ => ValueTask.FromResult("expired-token");
        PusherChannel channel = r.Client.Subscribe(Private);
        PusherChannel pub = r.Client.Subscribe("news");
        await r.Client.ConnectAsync(ct);

        ChannelAuthorizationException e = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));
        await pub.WaitForSubscriptionAsync(ct);

        Assert.That((e.StatusCode, e.Failure), Is.EqualTo(((int?)401, ChannelAuthorizationFailure.HttpStatus)));
        Assert.That(r.TokenCalls, Is.EqualTo(2), "asked again once after the 401");
        Assert.That(r.Server.AuthRequests, Has.Count.EqualTo(2));
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S36_Auth401_ThenARefreshedToken_Subscribes(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        int calls = 0;
        r.TokenSource = _ => ValueTask.FromResult(Interlocked.Increment(ref calls) == 1 ? "expired-token" : Rig.Token);

        await r.ConnectAndSubscribeAsync(ct, Private);

        Assert.That(r.Server.AuthRequests.Select(a => a.Authorized), Is.EqualTo(new[] { false, true }));
    }

    [Test, CancelAfter(60_000)]
    public async Task S37_Auth403_NoRetry_OtherChannelsUnaffected(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions { RequiredAuthorization = Rig.Token, AuthorizeChannel = c => c != Private }, ct: ct);
        PusherChannel denied = r.Client.Subscribe(Private);
        await r.ConnectAndSubscribeAsync(ct, Other, "news");

        ChannelAuthorizationException e = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => denied.WaitForSubscriptionAsync(ct));

        Assert.That(e.StatusCode, Is.EqualTo(403));
        Assert.That(r.Server.AuthRequests.Count(a => a.ChannelName == Private), Is.EqualTo(1));
        Assert.That(r.Client.GetChannel(Other)!.State, Is.EqualTo(SubscriptionState.Subscribed));
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [CancelAfter(60_000)]
    public async Task S38_Auth5xx_FailsThatChannel_AndIsRetriedOnTheNextConnection(int status, CancellationToken ct)
    {
        int calls = 0;
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = Rig.Token,
            AuthInterceptor = (_, _) => ValueTask.FromResult(Interlocked.Increment(ref calls) == 1 ? new TestAuthResponse(status, "{\"message\":\"SECRET-BODY\"}") : null),
        }, ct: ct);
        PusherChannel channel = r.Client.Subscribe(Private);
        await r.Client.ConnectAsync(ct);

        ChannelAuthorizationException e = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));
        Assert.That(e.StatusCode, Is.EqualTo(status));
        Assert.That(e.ToString(), Does.Not.Contain("SECRET-BODY"));
        (await r.Server.WaitForConnectionAsync(0, ct)).Abort();
        await r.AdvanceThroughReconnectAsync(1, ct);

        await channel.WaitForSubscriptionAsync(ct);
        Assert.That(calls, Is.EqualTo(2), "one request per connection: no retry storm");
    }

    [Test, CancelAfter(60_000)]
    public async Task S38_AuthEndpointStalls_TimesOutAtTheAuthTimeout(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = Rig.Token,
            AuthInterceptor = async (_, aborted) =>
            {
                await Task.Delay(Timeout.Infinite, aborted); // a stalled endpoint: never answers
                return null;
            },
        }, ct: ct);
        PusherChannel channel = r.Client.Subscribe(Private);
        await r.Client.ConnectAsync(ct);
        await r.Changed.WaitAsync(() => r.Server.AuthRequestCount == 1, ct);

        r.Time.Advance(r.Authorizer.Options.Timeout);
        ChannelAuthorizationException e = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));

        Assert.That(e.Failure, Is.EqualTo(ChannelAuthorizationFailure.Timeout));
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [TestCase("not json")]
    [TestCase("{}")]
    [TestCase("""{"auth":5}""")]
    [TestCase("[]")]
    [TestCase("""{"auth":"k:SECRET-BODY""")]
    [TestCase("LARGE")]
    [CancelAfter(60_000)]
    public async Task S39_MalformedOrOversizedAuthResponse_FailsThatChannel_BodyNeverEchoed(string body, CancellationToken ct)
    {
        string sent = body == "LARGE" ? "{\"auth\":\"" + new string('x', 70 * 1024) + "SECRET-BODY\"}" : body;
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = Rig.Token,
            AuthInterceptor = (_, _) => ValueTask.FromResult<TestAuthResponse?>(new TestAuthResponse(200, sent)),
        }, ct: ct);
        PusherChannel channel = r.Client.Subscribe(Private);
        await r.Client.ConnectAsync(ct);

        ChannelAuthorizationException e = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));

        Assert.That(e.Failure, Is.EqualTo(ChannelAuthorizationFailure.InvalidResponse));
        Assert.That(e.ToString(), Does.Not.Contain("SECRET-BODY").And.Not.Contain("xxxxxxxx"));
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test, CancelAfter(60_000)]
    public async Task S41_SlowAuthAcrossAReconnect_StaleSignatureNeverSent_ReauthorizedWithTheNewSocketId(CancellationToken ct)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int calls = 0;
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = Rig.Token,
            AuthInterceptor = async (_, aborted) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    await gate.Task.WaitAsync(aborted); // the first answer comes too late
                }

                return null;
            },
        }, ct: ct);
        PusherChannel channel = r.Client.Subscribe(Private);
        await r.Client.ConnectAsync(ct);
        await r.Changed.WaitAsync(() => r.Server.AuthRequestCount == 1, ct);
        TestConnection first = await r.Server.WaitForConnectionAsync(0, ct);

        first.Abort();
        await r.AdvanceThroughReconnectAsync(1, ct);
        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync(Private, ct);
        gate.TrySetResult();
        await channel.WaitForSubscriptionAsync(ct);

        Assert.That(r.Server.AuthRequests.Select(a => a.SocketId), Is.EqualTo(new[] { first.SocketId, second.SocketId }));
        Assert.That(r.Socket(0).CountSent("pusher:subscribe"), Is.Zero);
        Assert.That(r.Socket(1).CountSent("pusher:subscribe"), Is.EqualTo(1));
        Assert.That(second.RejectedSubscriptions, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task S42_UnsubscribeWhileAuthIsInFlight_NoSubscribeIsSent(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        await r.Client.ConnectAsync(ct);
        var gated = new GatedAuthorizer(r.Authorizer);
        // Same client, gated authorizer: rebuild with the gate in front of the real endpoint.
        await using var client = new PusherClient(r.Client.Options with { Authorizer = gated });
        await client.ConnectAsync(ct);
        RecordingSocket socket = r.Socket(1);

        client.Subscribe(Private);
        await gated.Entered.Task.WaitAsync(ct);
        client.Unsubscribe(Private);
        gated.Release(); // completes inline: the subscribe path runs to its end inside this call

        Assert.That(socket.CountSent("pusher:subscribe"), Is.Zero);
        PusherChannel news = client.Subscribe("news");
        await news.WaitForSubscriptionAsync(ct);
        Assert.That(socket.CountSent("pusher:subscribe"), Is.EqualTo(1));
        Assert.That(socket.Sent.Where(s => s.Contains("pusher:subscribe")), Has.All.Contains("\"news\""));
    }

    [Test, CancelAfter(60_000)]
    public async Task S43_TwoHundredPrivateChannels_AuthConcurrencyBounded_AllSubscribed(CancellationToken ct)
    {
        int inFlight = 0, peak = 0;
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = Rig.Token,
            AuthInterceptor = async (_, aborted) =>
            {
                int now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                await Task.Yield();
                Interlocked.Decrement(ref inFlight);
                return null;
            },
        }, ct: ct);
        string[] names = [.. Enumerable.Range(0, 200).Select(i => $"private-load.{i}")];

        await r.ConnectAndSubscribeAsync(ct, names);

        Assert.That(r.Server.AuthRequests, Has.Count.EqualTo(200));
        Assert.That(peak, Is.InRange(1, 4), "at most 4 auth requests at a time");
        Assert.That(r.Client.Channels.Select(c => c.State), Has.All.EqualTo(SubscriptionState.Subscribed));
    }

    [Test, CancelAfter(60_000)]
    public async Task S44_TokenProviderThrowsOrHangs_FailsTheChannel_BoundedByTheAuthTimeout(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(ct: ct);
        r.TokenSource = _ => throw new InvalidOperationException("vault said " + Rig.Token);
        PusherChannel thrown = r.Client.Subscribe(Private);
        await r.Client.ConnectAsync(ct);
        ChannelAuthorizationException e1 = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => thrown.WaitForSubscriptionAsync(ct));

        r.TokenSource = async c =>
        {
            await Task.Delay(Timeout.Infinite, c);
            return "";
        };
        PusherChannel hung = r.Client.Subscribe(Other);
        await r.Changed.WaitAsync(() => r.TokenCalls == 2, ct);
        r.Time.Advance(r.Authorizer.Options.Timeout);
        ChannelAuthorizationException e2 = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => hung.WaitForSubscriptionAsync(ct));

        Assert.That(e1.Failure, Is.EqualTo(ChannelAuthorizationFailure.Other));
        Assert.That(e1.Message, Does.Not.Contain(Rig.Token), "the provider's message is not copied into ours");
        Assert.That(e2.Failure, Is.EqualTo(ChannelAuthorizationFailure.Timeout));
        Assert.That(r.TokenCalls, Is.EqualTo(2), "no retry storm");
        Assert.That(r.Client.State, Is.EqualTo(ConnectionState.Connected));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>Lets the real authorizer answer, then holds the answer until <see cref="Release"/>, which completes it inline.</summary>
    private sealed class GatedAuthorizer(IChannelAuthorizer inner) : IChannelAuthorizer
    {
        private readonly TaskCompletionSource _gate = new(); // no RunContinuationsAsynchronously: Release runs the continuation

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.SetResult();

        public async ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken)
        {
            ChannelAuthorization result = await inner.AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
            Entered.TrySetResult();
            await _gate.Task.ConfigureAwait(false);
            return result;
        }
    }
}
