using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using PusherWire.Testing;

namespace PusherWire.Tests.Testing;

/// <summary>
/// The embedded server on its own, driven by a bare ClientWebSocket and HttpClient, so its protocol behaviour is checked
/// independently of the PusherWire client that the other integration tests run against it.
/// </summary>
public class PusherTestServerTests
{
    [Test]
    public void Signature_MatchesPusherDocumentationVector()
    {
        // From Pusher's "authorizing users" documentation: key 278d425bdf160c739803, secret 7ad3773142a6692b25b8.
        string auth = PusherSignature.Sign("278d425bdf160c739803", "7ad3773142a6692b25b8", "1234.1234", "private-foobar");

        Assert.That(auth, Is.EqualTo("278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"));
        Assert.That(PusherSignature.Verify(auth, "278d425bdf160c739803", "7ad3773142a6692b25b8", "1234.1234", "private-foobar"), Is.True);
        Assert.That(PusherSignature.Verify(auth, "278d425bdf160c739803", "7ad3773142a6692b25b8", "1234.1235", "private-foobar"), Is.False, "bound to the socket id");
    }

    [Test]
    public void Signature_CoversPresenceChannelData()
    {
        const string channelData = """{"user_id":10,"user_info":{"name":"Mr. Channels"}}""";

        // Cross-checked with Python's hmac module: hmac.new(secret, b"1234.1234:presence-foobar:" + data, sha256).
        Assert.That(PusherSignature.Sign("278d425bdf160c739803", "7ad3773142a6692b25b8", "1234.1234", "presence-foobar", channelData),
            Is.EqualTo("278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Handshake_SendsConnectionEstablished_WithDataAsAJsonString(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions { ActivityTimeoutSeconds = 42 }, ct);
        using ClientWebSocket socket = await ConnectAsync(server, server.Options.AppKey, ct);

        using JsonDocument established = await ReceiveJsonAsync(socket, ct);
        TestConnection connection = await server.WaitForConnectionAsync(0, ct);

        Assert.That(established.RootElement.GetProperty("event").GetString(), Is.EqualTo("pusher:connection_established"));
        JsonElement data = established.RootElement.GetProperty("data");
        Assert.That(data.ValueKind, Is.EqualTo(JsonValueKind.String), "Pusher double-encodes data");
        using JsonDocument inner = JsonDocument.Parse(data.GetString()!);
        Assert.That(inner.RootElement.GetProperty("socket_id").GetString(), Is.EqualTo(connection.SocketId).And.Match(@"^\d+\.\d+$"));
        Assert.That(inner.RootElement.GetProperty("activity_timeout").GetInt32(), Is.EqualTo(42));
        Assert.That(connection.RequestQuery, Is.EqualTo("?protocol=7"));
    }

    [Test, CancelAfter(60_000)]
    public async Task UnknownAppKey_GetsError4001_ThenClose4001(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: ct);
        using ClientWebSocket socket = await ConnectAsync(server, "wrong-key", ct);

        using JsonDocument error = await ReceiveJsonAsync(socket, ct);
        ValueWebSocketReceiveResult close = await socket.ReceiveAsync(new byte[256].AsMemory(), ct);

        Assert.That(error.RootElement.GetProperty("event").GetString(), Is.EqualTo("pusher:error"));
        Assert.That(error.RootElement.GetProperty("data").GetProperty("code").GetInt32(), Is.EqualTo(4001));
        Assert.That((close.MessageType, (int?)socket.CloseStatus), Is.EqualTo((WebSocketMessageType.Close, (int?)4001)));
    }

    [Test, CancelAfter(60_000)]
    public async Task PrivateSubscribe_WithABadSignature_IsRejected_WithAGoodOne_Succeeds(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: ct);
        using ClientWebSocket socket = await ConnectAsync(server, server.Options.AppKey, ct);
        (await ReceiveJsonAsync(socket, ct)).Dispose();
        TestConnection connection = await server.WaitForConnectionAsync(0, ct);

        await SendAsync(socket, $$$"""{"event":"pusher:subscribe","data":{"channel":"private-a","auth":"{{{server.Options.AppKey}}}:00"}}""", ct);
        using JsonDocument rejected = await ReceiveJsonAsync(socket, ct);
        string good = PusherSignature.Sign(server.Options.AppKey, server.Options.AppSecret, connection.SocketId, "private-a");
        await SendAsync(socket, $$$"""{"event":"pusher:subscribe","data":{"channel":"private-a","auth":"{{{good}}}"}}""", ct);
        using JsonDocument succeeded = await ReceiveJsonAsync(socket, ct);

        Assert.That(rejected.RootElement.GetProperty("event").GetString(), Is.EqualTo("pusher:error"));
        Assert.That(connection.RejectedSubscriptions, Is.EqualTo(new[] { "private-a" }));
        Assert.That(succeeded.RootElement.GetProperty("event").GetString(), Is.EqualTo("pusher_internal:subscription_succeeded"));
        Assert.That(connection.Subscriptions, Is.EqualTo(new[] { "private-a" }));
    }

    [Test, CancelAfter(60_000)]
    public async Task AuthEndpoint_Requires_TheToken_AndTheChannel_AndSignsLikePusher(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = "Bearer t0ken",
            AuthorizeChannel = c => c != "private-forbidden",
        }, ct);
        using var http = new HttpClient();

        HttpResponseMessage noToken = await PostAuthAsync(http, server, null, "private-a", ct);
        HttpResponseMessage forbidden = await PostAuthAsync(http, server, "Bearer t0ken", "private-forbidden", ct);
        HttpResponseMessage ok = await PostAuthAsync(http, server, "Bearer t0ken", "private-a", ct);
        using JsonDocument body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync(ct));

        Assert.That((noToken.StatusCode, forbidden.StatusCode, ok.StatusCode), Is.EqualTo((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.OK)));
        Assert.That(body.RootElement.GetProperty("auth").GetString(), Is.EqualTo(PusherSignature.Sign(server.Options.AppKey, server.Options.AppSecret, "1.2", "private-a")));
        Assert.That(server.AuthRequests.Select(r => (r.ChannelName, r.Authorized)), Is.EqualTo(new[] { ("private-a", false), ("private-forbidden", true), ("private-a", true) }));
        Assert.That(server.Options.ToString(), Does.Not.Contain("t0ken"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Presence_TracksMembers_AndRelaysClientEventsToOthersOnly(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            PresenceMemberFor = (socketId, _) => new PresenceMember("u-" + socketId, """{"name":"n"}"""),
        }, ct);
        using var http = new HttpClient();
        using ClientWebSocket alice = await ConnectAsync(server, server.Options.AppKey, ct);
        using ClientWebSocket bob = await ConnectAsync(server, server.Options.AppKey, ct);
        (await ReceiveJsonAsync(alice, ct)).Dispose();
        (await ReceiveJsonAsync(bob, ct)).Dispose();
        TestConnection a = await server.WaitForConnectionAsync(0, ct);
        TestConnection b = await server.WaitForConnectionAsync(1, ct);

        await SubscribePresenceAsync(http, server, alice, a.SocketId, ct);
        using JsonDocument aliceJoined = await ReceiveJsonAsync(alice, ct);
        await SubscribePresenceAsync(http, server, bob, b.SocketId, ct);
        using JsonDocument bobJoined = await ReceiveJsonAsync(bob, ct);
        using JsonDocument added = await ReceiveJsonAsync(alice, ct);
        await SendAsync(bob, """{"event":"client-hi","channel":"presence-room","data":{"x":1}}""", ct);
        using JsonDocument relayed = await ReceiveJsonAsync(alice, ct);

        Assert.That(Presence(aliceJoined).GetProperty("count").GetInt32(), Is.EqualTo(1));
        Assert.That(Presence(bobJoined).GetProperty("count").GetInt32(), Is.EqualTo(2));
        Assert.That(Presence(bobJoined).GetProperty("hash").GetProperty("u-" + a.SocketId).GetProperty("name").GetString(), Is.EqualTo("n"));
        Assert.That(added.RootElement.GetProperty("event").GetString(), Is.EqualTo("pusher_internal:member_added"));
        Assert.That(relayed.RootElement.GetRawText(), Is.EqualTo($$"""{"event":"client-hi","channel":"presence-room","data":{"x":1},"user_id":"u-{{b.SocketId}}"}"""));
        Assert.That(b.Frames.Count(f => f.Contains("client-hi")), Is.EqualTo(1), "bob's own event is not echoed back");
    }

    [Test, CancelAfter(60_000)]
    public async Task WhileNotAcceptingConnections_TheUpgradeIsRefusedWith503(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: ct);
        server.AcceptConnections = false;

        var error = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(server, server.Options.AppKey, ct));

        Assert.That(error!.Message, Does.Contain("503"));
        Assert.That(server.Connections, Is.Empty);
    }

    private static JsonElement Presence(JsonDocument subscribed)
    {
        Assert.That(subscribed.RootElement.GetProperty("event").GetString(), Is.EqualTo("pusher_internal:subscription_succeeded"));
        using JsonDocument data = JsonDocument.Parse(subscribed.RootElement.GetProperty("data").GetString()!);
        return data.RootElement.GetProperty("presence").Clone();
    }

    private static async Task SubscribePresenceAsync(HttpClient http, PusherTestServer server, ClientWebSocket socket, string socketId, CancellationToken ct)
    {
        HttpResponseMessage response = await PostAuthAsync(http, server, null, "presence-room", ct, socketId);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        string auth = body.RootElement.GetProperty("auth").GetString()!;
        string channelData = body.RootElement.GetProperty("channel_data").GetString()!;
        await SendAsync(socket, JsonSerializer.Serialize(new { @event = "pusher:subscribe", data = new { channel = "presence-room", auth, channel_data = channelData } }), ct);
    }

    private static async Task<ClientWebSocket> ConnectAsync(PusherTestServer server, string key, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{server.Host}:{server.Port}/app/{key}?protocol=7"), ct);
        return socket;
    }

    private static Task<HttpResponseMessage> PostAuthAsync(HttpClient http, PusherTestServer server, string? authorization, string channel, CancellationToken ct, string socketId = "1.2")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, server.AuthEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["socket_id"] = socketId, ["channel_name"] = channel }),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return http.SendAsync(request, ct);
    }

    private static Task SendAsync(ClientWebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    private static async Task<JsonDocument> ReceiveJsonAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        int length = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            length += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.AsMemory(0, length));
            }
        }
    }
}
