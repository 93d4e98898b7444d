// listen's pusher-js parity records: only subscribed channels, presence rosters, sign-in, user events, watchlist.
using System.Text.Json;
using PusherWire.Testing;

namespace PusherWire.Cli.Tests;

public class ListenParityTests
{
    private const string Token = "SENTINEL-parity-token-93ab";

    private static Task<PusherTestServer> StartAsync(CancellationToken ct) => PusherTestServer.StartAsync(new PusherTestServerOptions
    {
        RequiredAuthorization = Token,
        PresenceMemberFor = (_, _) => new PresenceMember("me", """{"name":"Me"}"""),
        UserDataFor = _ => """{"id":"u9"}""",
    }, ct);

    private static List<string> Args(PusherTestServer server, string token, params string[] extra) =>
    [
        "listen", "--no-tls", "--host", server.Host, "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--key", server.Options.AppKey, "--auth-endpoint", server.AuthEndpoint.ToString(), "--format", "ndjson", "--token", token, .. extra,
    ];

    [Test, CancelAfter(60_000)]
    public async Task Presence_PrintsTheRosterAndMemberChanges_AndOnlyEventsOfSubscribedChannels(CancellationToken ct)
    {
        await using PusherTestServer server = await StartAsync(ct);
        await server.AddPresenceMemberAsync("presence-room", new PresenceMember("b"), ct);
        Cli cli = Cli.Start(Args(server, Token, "--channel", "presence-room", "--count", "1"), ct);
        TestConnection connection = await server.WaitForConnectionAsync(0, ct);
        await connection.WaitForSubscriptionAsync("presence-room", ct);

        await server.AddPresenceMemberAsync("presence-room", new PresenceMember("c", """{"n":1}"""), ct);
        await server.RemovePresenceMemberAsync("presence-room", "b", ct);
        await connection.SendEventAsync("stray", "not-subscribed", """{"x":1}""", ct);
        await server.PublishAsync("presence-room", "said", """{"t":"hi"}""", ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        JsonElement members = records.Single(r => r.Kind() == "members");
        Assert.That((members.Str("channel"), members.GetProperty("count").GetInt32(), members.Str("me")), Is.EqualTo(("presence-room", 2, "me")));
        Assert.That(members.GetProperty("ids").EnumerateArray().Select(i => i.GetString()), Is.EqualTo(new[] { "b", "me" }));
        JsonElement added = records.Single(r => r.Kind() == "member_added");
        Assert.That((added.Str("channel"), added.Str("id"), added.GetProperty("info").GetProperty("n").GetInt32()), Is.EqualTo(("presence-room", "c", 1)));
        JsonElement removed = records.Single(r => r.Kind() == "member_removed");
        Assert.That((removed.Str("channel"), removed.Str("id")), Is.EqualTo(("presence-room", "b")));
        Assert.That(records.IndexOf(members), Is.LessThan(records.IndexOf(added)));
        Assert.That(records.IndexOf(added), Is.LessThan(records.IndexOf(removed)));
        List<JsonElement> events = records.Where(r => r.Kind() == "event").ToList();
        Assert.That(events.Select(e => (e.Str("channel"), e.Str("event"))), Is.EqualTo(new[] { ("presence-room", "said") }), cli.Stdout.Text);
        Assert.That(cli.AllOutput, Does.Not.Contain(Token));
    }

    [Test, CancelAfter(60_000)]
    public async Task UserAuthEndpoint_SignsIn_PrintsWatchlistAndCountsUserEvents(CancellationToken ct)
    {
        await using PusherTestServer server = await StartAsync(ct);
        Cli cli = Cli.Start(Args(server, Token, "--user-auth-endpoint", server.UserAuthEndpoint.ToString(), "--count", "1"), ct);
        TestConnection connection = await server.WaitForConnectionAsync(0, ct);
        await connection.WaitForSubscriptionAsync("#server-to-user-u9", ct);

        await server.SendWatchlistEventAsync("u9", "online", ["a", "b"], ct);
        await server.SendToUserAsync("u9", "notice", """{"m":1}""", ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        Assert.That(records.Single(r => r.Kind() == "signed_in").Str("userId"), Is.EqualTo("u9"));
        JsonElement watchlist = records.Single(r => r.Kind() == "watchlist");
        Assert.That(watchlist.Str("event"), Is.EqualTo("online"));
        Assert.That(watchlist.GetProperty("userIds").EnumerateArray().Select(i => i.GetString()), Is.EqualTo(new[] { "a", "b" }));
        JsonElement e = records.Single(r => r.Kind() == "event");
        Assert.That((e.Str("channel"), e.Str("event")), Is.EqualTo(("#server-to-user-u9", "notice")));
        Assert.That(server.UserAuthRequests.Single().Authorized, Is.True, "the same token as channel auth");
    }

    [Test, CancelAfter(60_000)]
    public async Task FailedSignIn_WithNothingElseSubscribed_IsAnErrorRecordAndExit1(CancellationToken ct)
    {
        await using PusherTestServer server = await StartAsync(ct);

        (int exit, Cli cli) = await Cli.RunAsync(Args(server, "WRONG-" + Token, "--user-auth-endpoint", server.UserAuthEndpoint.ToString()), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), cli.AllOutput);
        JsonElement error = cli.Records().Single(r => r.Kind() == "error");
        Assert.That(error.Str("type"), Is.EqualTo(nameof(PusherSignInException)));
        Assert.That(error.Str("message"), Does.Contain("401"));
        Assert.That(cli.AllOutput, Does.Not.Contain(Token));
    }
}
