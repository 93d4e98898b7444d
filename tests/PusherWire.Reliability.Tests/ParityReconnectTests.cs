// Fault scenarios for presence and sign-in: the connection is reset under them and they must come back whole.
using System.Collections.Concurrent;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

public class ParityReconnectTests
{
    [Test, CancelAfter(60_000)]
    public async Task P1_PresenceRoster_IsRebuiltAfterAReset_WithTheDifferenceReported_AndNoMemberEventsForTheRebuild(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = Rig.Token,
            PresenceMemberFor = (_, _) => new PresenceMember("me"),
        }, ct: ct);
        await r.Server.AddPresenceMemberAsync("presence-ops", new PresenceMember("gone"), ct);
        var rosters = new ConcurrentQueue<PresenceRosterChangedEventArgs>();
        using var rebuilt = new SemaphoreSlim(0);
        int memberEvents = 0;
        PusherChannel channel = r.Client.Subscribe("presence-ops");
        channel.RosterChanged += (_, e) =>
        {
            rosters.Enqueue(e);
            rebuilt.Release();
        };
        channel.MemberAdded += (_, _) => Interlocked.Increment(ref memberEvents);
        channel.MemberRemoved += (_, _) => Interlocked.Increment(ref memberEvents);
        await r.ConnectAndSubscribeAsync(ct, "presence-ops");
        await rebuilt.WaitAsync(ct);

        r.Proxy.ResetAll();
        await r.Server.RemovePresenceMemberAsync("presence-ops", "gone", ct);
        await r.Server.AddPresenceMemberAsync("presence-ops", new PresenceMember("new"), ct);
        await r.AdvanceThroughReconnectAsync(1, ct);
        await rebuilt.WaitAsync(ct);

        PresenceRosterChangedEventArgs second = rosters.Last();
        Assert.That(second.IsResubscription, Is.True);
        Assert.That(second.Joined.Select(m => m.Id), Is.EqualTo(new[] { "new" }));
        Assert.That(second.Left.Select(m => m.Id), Is.EqualTo(new[] { "gone" }));
        Assert.That(channel.Members!.Ids, Is.EqualTo(new[] { "me", "new" }));
        Assert.That(channel.Members.Me?.Id, Is.EqualTo("me"));
        Assert.That(Volatile.Read(ref memberEvents), Is.Zero, "a rebuilt roster is reported once, as RosterChanged");
    }

    [Test, CancelAfter(60_000)]
    public async Task P2_SignIn_IsRepeatedAfterAReset_AndUserEventsFlowOnTheNewConnection(CancellationToken ct)
    {
        var authenticator = new LocalSigner("""{"id":"ops-1"}""");
        await using Rig r = await Rig.StartAsync(configure: o => o with { UserAuthenticator = authenticator }, ct: ct);
        using var received = new SemaphoreSlim(0);
        r.Client.User.Bind("notice", (in PusherEvent _) => received.Release());
        r.Client.SignIn();
        TestConnection first = await r.ConnectAndSubscribeAsync(ct, "news");
        await first.WaitForSubscriptionAsync("#server-to-user-ops-1", ct);

        r.Proxy.ResetAll();
        await r.AdvanceThroughReconnectAsync(1, ct);
        TestConnection second = await r.Server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync("#server-to-user-ops-1", ct);
        await r.Client.User.WaitForSignInAsync(ct);

        Assert.That(authenticator.SocketIds, Is.EqualTo(new[] { first.SocketId, second.SocketId }));
        Assert.That(await r.Server.SendToUserAsync("ops-1", "notice", "{}", ct), Is.EqualTo(1));
        await received.WaitAsync(ct);
        Assert.That(r.Client.User.Id, Is.EqualTo("ops-1"));
    }

    /// <summary>Signs sign-ins in process, as an app server would, recording each socket id.</summary>
    private sealed class LocalSigner(string userData) : IUserAuthenticator
    {
        private readonly ConcurrentQueue<string> _socketIds = new();

        public IReadOnlyList<string> SocketIds => [.. _socketIds];

        public ValueTask<UserAuthentication> AuthenticateAsync(UserAuthenticationRequest request, CancellationToken cancellationToken)
        {
            _socketIds.Enqueue(request.SocketId);
            return ValueTask.FromResult(new UserAuthentication(PusherUserSignature.Sign("test-app-key", "test-app-secret", request.SocketId, userData), userData));
        }
    }
}
