// Presence channels against the test server: roster, Me, member notifications, channel_data rules, reconnect diff.
using PusherWire.Authorization;
using PusherWire.Testing;
using PusherWire.Tests.Integration;

namespace PusherWire.Tests.Parity;

public class PresenceTests
{
    private const string Room = "presence-room";

    private static PusherTestServerOptions ServerWithMember(string id, string? info = null) => new()
    {
        RequiredAuthorization = ClientHarness.Token,
        PresenceMemberFor = (_, _) => new PresenceMember(id, info),
    };

    [Test, CancelAfter(60_000)]
    public async Task Subscribe_BuildsRosterFromSubscriptionSucceeded_WithMeAndInfoAsJson(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ServerWithMember("u1", """{"name":"Ann"}"""), ct: ct);
        await h.Server.AddPresenceMemberAsync(Room, new PresenceMember("u2", """{"name":"Bob","age":3}"""), ct);
        PusherChannel room = h.Client.Subscribe(Room);

        await h.Client.ConnectAsync(ct);
        await room.WaitForSubscriptionAsync(ct);

        PresenceMemberCollection members = room.Members!;
        Assert.That(members.Count, Is.EqualTo(2));
        Assert.That(members.Ids, Is.EqualTo(new[] { "u1", "u2" }));
        Assert.That(members.MyId, Is.EqualTo("u1"));
        Assert.That(members.Me!.InfoJson, Is.EqualTo("""{"name":"Ann"}"""));
        Assert.That(members.Get("u2")!.Info.GetProperty("age").GetInt32(), Is.EqualTo(3));
        Assert.That(members.Get("nobody"), Is.Null);
        Assert.That(members.Select(m => m.Id), Is.EqualTo(new[] { "u1", "u2" }));
        Assert.That(h.Client.Subscribe("private-x").Members, Is.Null, "only presence channels have members");
    }

    [Test, CancelAfter(60_000)]
    public async Task MemberAddedAndRemoved_FireAfterTheRosterChanged_NeverForDuplicatesOrUnknownIds(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ServerWithMember("u1"), ct: ct);
        PusherChannel room = h.Client.Subscribe(Room);
        using var added = new Collector<(string Id, int CountThen)>();
        using var removed = new Collector<(string Id, int CountThen)>();
        using var bound = new Collector<string>();
        room.MemberAdded += (_, e) => added.Add((e.Member.Id, room.Members!.Count));
        room.MemberRemoved += (_, e) => removed.Add((e.Member.Id, room.Members!.Count));
        room.Bind("pusher:member_added", (in PusherEvent e) => bound.Add("added " + e.GetDataString()));
        room.Bind("pusher:member_removed", (in PusherEvent e) => bound.Add("removed " + e.GetDataString()));
        room.Bind("marker", (in PusherEvent _) => bound.Add("marker"));
        await h.Client.ConnectAsync(ct);
        await room.WaitForSubscriptionAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        await h.Server.AddPresenceMemberAsync(Room, new PresenceMember("u3", """{"n":1}"""), ct);
        Assert.That(await added.WaitForCountAsync(1, ct), Is.EqualTo(("u3", 2)));

        // A repeated member_added (same id) and a member_removed for an id never seen change nothing and notify nobody.
        await server.SendEventAsync("pusher_internal:member_added", Room, """{"user_id":"u3","user_info":{"n":1}}""", ct);
        await server.SendEventAsync("pusher_internal:member_removed", Room, """{"user_id":"ghost"}""", ct);
        await server.SendEventAsync("marker", Room, "{}", ct);
        await bound.WaitForAsync(b => b == "marker", ct);
        Assert.That(added.Items, Has.Count.EqualTo(1));
        Assert.That(removed.Items, Is.Empty);

        await h.Server.RemovePresenceMemberAsync(Room, "u3", ct);
        Assert.That(await removed.WaitForCountAsync(1, ct), Is.EqualTo(("u3", 1)));
        Assert.That(room.Members!.Get("u3"), Is.Null);
        Assert.That(bound.Items.Where(b => b != "marker"), Is.EqualTo(new[] { "added " + """{"user_id":"u3","user_info":{"n":1}}""", "removed " + """{"user_id":"u3"}""" }));
    }

    [Test, CancelAfter(60_000)]
    public async Task NumericUserIds_AreKeyedByTheirJsonText_LikeJavaScriptObjectKeys(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ServerWithMember("1"), ct: ct);
        PusherChannel room = h.Client.Subscribe(Room);
        using var added = new Collector<string>();
        room.MemberAdded += (_, e) => added.Add(e.Member.Id);
        await h.Client.ConnectAsync(ct);
        await room.WaitForSubscriptionAsync(ct);
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);

        await server.SendEventAsync("pusher_internal:member_added", Room, """{"user_id":42,"user_info":null}""", ct);

        Assert.That(await added.WaitForCountAsync(1, ct), Is.EqualTo("42"));
        Assert.That(room.Members!.Get("42")!.InfoJson, Is.Null);
    }

    [Test, CancelAfter(60_000)]
    public async Task AuthorizerWithoutChannelData_FailsThePresenceChannelClearly_WithoutSendingASubscribe(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(configure: o => o with { Authorizer = new FixedAuthorizer(new ChannelAuthorization("key:sig")) }, ct: ct);
        PusherChannel room = h.Client.Subscribe(Room);
        PusherChannel other = h.Client.Subscribe("lobby");

        await h.Client.ConnectAsync(ct);
        var error = await Assert.ThrowsAsync<ChannelAuthorizationException>(() => room.WaitForSubscriptionAsync(ct));

        Assert.That(error!.Message, Does.Contain("channel_data"));
        Assert.That(error.Failure, Is.EqualTo(ChannelAuthorizationFailure.InvalidResponse));
        Assert.That(room.State, Is.EqualTo(SubscriptionState.Failed));
        TestConnection server = await h.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForFrameAsync(f => f.Contains("lobby"), ct);
        Assert.That(server.Frames, Has.None.Contains(Room));
        await other.WaitForSubscriptionAsync(ct); // other channels are not affected
    }

    [Test, CancelAfter(60_000)]
    public async Task AfterAReconnect_TheRosterIsRebuilt_AndTheDifferenceIsReported(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ServerWithMember("me"), ct: ct);
        await h.Server.AddPresenceMemberAsync(Room, new PresenceMember("stays"), ct);
        await h.Server.AddPresenceMemberAsync(Room, new PresenceMember("leaves"), ct);
        PusherChannel room = h.Client.Subscribe(Room);
        using var rosters = new Collector<PresenceRosterChangedEventArgs>();
        room.RosterChanged += (_, e) => rosters.Add(e);
        await h.Client.ConnectAsync(ct);
        PresenceRosterChangedEventArgs first = await rosters.WaitForCountAsync(1, ct);
        Assert.That(first.IsResubscription, Is.False);
        Assert.That(first.Joined, Is.Empty);
        Assert.That(first.Members.Select(m => m.Id), Is.EqualTo(new[] { "leaves", "me", "stays" }));

        TestConnection connection = await h.Server.WaitForConnectionAsync(0, ct);
        connection.Abort();
        await connection.WaitForClosedAsync(ct);
        await h.Server.RemovePresenceMemberAsync(Room, "leaves", ct);
        await h.Server.AddPresenceMemberAsync(Room, new PresenceMember("joined"), ct);
        await h.AdvanceThroughNextReconnectAsync(ct);

        PresenceRosterChangedEventArgs second = await rosters.WaitForAsync(r => r.IsResubscription, ct);
        Assert.That(second.Joined.Select(m => m.Id), Is.EqualTo(new[] { "joined" }));
        Assert.That(second.Left.Select(m => m.Id), Is.EqualTo(new[] { "leaves" }));
        Assert.That(room.Members!.Ids, Is.EqualTo(new[] { "joined", "me", "stays" }));
        Assert.That(room.Members.Me!.Id, Is.EqualTo("me"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Unsubscribe_ClearsTheRoster(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ServerWithMember("u1"), ct: ct);
        PusherChannel room = h.Client.Subscribe(Room);
        await h.Client.ConnectAsync(ct);
        await room.WaitForSubscriptionAsync(ct);
        Assert.That(room.Members!.Count, Is.EqualTo(1));

        h.Client.Unsubscribe(Room);

        Assert.That(room.Members.Count, Is.Zero);
    }

    /// <summary>An authorizer that answers every request with the same result.</summary>
    internal sealed class FixedAuthorizer(ChannelAuthorization result) : IChannelAuthorizer
    {
        public ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(result);
    }
}
