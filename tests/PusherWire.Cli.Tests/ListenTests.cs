using System.Net.WebSockets;
using System.Text.Json;
using PusherWire.ChatApp;
using PusherWire.Cli.Demo;

namespace PusherWire.Cli.Tests;

/// <summary><c>pusherwire listen</c> end to end against the embedded ChatApp-compatible server (the one <c>serve</c> runs).</summary>
public class ListenTests
{
    // Distinctive values: if any of them shows up in the output, a credential leaked.
    private const string Sentinel = "SENTINEL-token-7f3a9c21d0";
    private const string WrongSentinel = "WRONG-SENTINEL-token-b51e";

    private static Task<ChatAppDemoServer> StartServerAsync(CancellationToken ct, string token = Sentinel) =>
        ChatAppDemoServer.StartAsync(new ChatAppDemoOptions { Token = token, EventsPerSecond = 1000 }, ct);

    [Test, CancelAfter(60_000)]
    public async Task Listen_StreamsEverySample_OneJsonObjectPerLine_InOrder_AndExits0AfterCount(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);
        IReadOnlyList<ChatAppSamples.Sample> samples = ChatAppSamples.All;
        Cli cli = Cli.Start(Cli.ListenArgs(server, Sentinel, "--count", samples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);

        await cli.WaitForSubscriptionsAsync(server, server.Options.Channels, ct);
        await server.PublishAsync(samples.Count, ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        int expected = 2 + server.Options.Channels.Count + samples.Count + 1;
        Assert.That(records, Has.Count.EqualTo(expected), cli.Stdout.Text);

        // Connection states, with pusher-js's names and the server's socket id.
        Assert.That(records[0].Kind(), Is.EqualTo("state"));
        Assert.That((records[0].Str("from"), records[0].Str("to")), Is.EqualTo(("initialized", "connecting")));
        Assert.That((records[1].Str("from"), records[1].Str("to")), Is.EqualTo(("connecting", "connected")));
        Assert.That(records[1].Str("socketId"), Is.EqualTo(server.Server.Connections[0].SocketId));

        // One subscribed record per channel (in completion order, which may differ from the argument order).
        List<JsonElement> subscribed = records.GetRange(2, server.Options.Channels.Count);
        Assert.That(subscribed.Select(r => r.Kind()), Is.All.EqualTo("subscribed"));
        Assert.That(subscribed.Select(r => r.Str("channel")), Is.EquivalentTo(server.Options.Channels));

        // Every sample, in publication order, on its channel, data parsed as a JSON object equal to the sample.
        for (int i = 0; i < samples.Count; i++)
        {
            JsonElement record = records[2 + server.Options.Channels.Count + i];
            Assert.That(record.Kind(), Is.EqualTo("event"), record.ToString());
            Assert.That(record.Str("event"), Is.EqualTo(samples[i].EventName));
            Assert.That(record.Str("channel"), Is.EqualTo(server.ChannelFor(samples[i], i)));
            JsonElement data = record.GetProperty("data");
            Assert.That(data.ValueKind, Is.EqualTo(JsonValueKind.Object), record.ToString());
            using JsonDocument sample = JsonDocument.Parse(samples[i].PayloadJson);
            Assert.That(JsonElement.DeepEquals(data, sample.RootElement), Is.True, $"sample {i} ({samples[i].EventName}) differs: {data}");
            Assert.That(ChatAppChannels.Parse(record.Str("channel")).Kind, Is.EqualTo(ChatAppEventSerializer.GetChannelKind(record.Str("event"))));
        }

        var eventNames = records.Where(r => r.Kind() == "event").Select(r => r.Str("event")).ToHashSet();
        Assert.That(eventNames, Is.EquivalentTo(ChatAppEventSerializer.EventNames));
        Assert.That(eventNames, Has.Count.EqualTo(17));

        Assert.That((records[^1].Kind(), records[^1].Str("from"), records[^1].Str("to")), Is.EqualTo(("state", "connected", "disconnected")));
        Assert.That(cli.Stderr.Text, Is.Empty);
        Assert.That(cli.AllOutput, Does.Not.Contain(Sentinel));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_DataThatIsPrettyPrintedOrNotJson_StaysOnOneLine(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);
        string user = ChatAppChannels.User(server.Options.User);
        Cli cli = Cli.Start(["listen", "--no-tls", "--host", server.Server.Host, "--port", $"{server.Server.Port}", "--auth-endpoint", $"{server.Server.AuthEndpoint}",
            "--token", Sentinel, "--user", $"{server.Options.User}", "--count", "3"], ct);

        await cli.WaitForSubscriptionsAsync(server, [user], ct);
        await server.Server.PublishAsync(user, "indented", "{\n  \"a\": [1,\n    2],\n  \"b\": \"x\\ny\"\n}", ct);
        await server.Server.PublishAsync(user, "text", "plain text\nsecond line", ct);
        await server.Server.PublishAsync(user, "twoValues", "{} {}", ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> events = cli.Records().Where(r => r.Kind() == "event").ToList();
        Assert.That(events.Select(e => e.Str("event")), Is.EqualTo(new[] { "indented", "text", "twoValues" }));
        Assert.That(cli.Stdout.Lines.Single(l => l.Contains("\"indented\"", StringComparison.Ordinal)),
            Does.EndWith("\"data\":{\"a\":[1,2],\"b\":\"x\\ny\"}}"));
        Assert.That(events[1].GetProperty("data").GetString(), Is.EqualTo("plain text\nsecond line"));
        Assert.That(events[2].GetProperty("data").GetString(), Is.EqualTo("{} {}"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_NdjsonEvent_IsWrittenOutOnceTheSocketIsIdle_WhileTheRunGoesOn(CancellationToken ct)
    {
        // Events are buffered for bursts; the buffer goes out when the client would wait for the network, not on a
        // timer and not only at exit: the line must appear while the run is still going (no --count, no timeout).
        await using ChatAppDemoServer server = await StartServerAsync(ct);
        string user = ChatAppChannels.User(server.Options.User);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Cli cli = Cli.Start(["listen", "--no-tls", "--host", server.Server.Host, "--port", $"{server.Server.Port}", "--auth-endpoint", $"{server.Server.AuthEndpoint}",
            "--token", Sentinel, "--user", $"{server.Options.User}", "--format", "ndjson"], stop.Token);

        await cli.WaitForSubscriptionsAsync(server, [user], ct);
        await server.Server.PublishAsync(user, "first", "{\"n\": 1}", ct);
        string line = await cli.Stdout.WaitForLineAsync(l => l.Contains("\"first\"", StringComparison.Ordinal), ct);

        Assert.That(cli.Run.IsCompleted, Is.False, cli.AllOutput);
        Assert.That(line, Does.EndWith("\"data\":{\"n\":1}}"));
        await stop.CancelAsync();
        Assert.That(await cli.Run.WaitAsync(ct), Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_Timeout_Exits3(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);

        (int exit, Cli cli) = await Cli.RunAsync(Cli.ListenArgs(server, Sentinel, "--count", "1", "--timeout", "0.3"), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Timeout), cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.StartWith("timeout: 0 event(s) within 0.3 s"));
        List<JsonElement> records = cli.Records();
        Assert.That(records.Select(r => r.Kind()), Has.None.EqualTo("event"));
        Assert.That((records[^1].Kind(), records[^1].Str("to")), Is.EqualTo(("state", "disconnected")));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_WrongToken_Reports401ForEveryChannel_AndExits1_WithoutPrintingTheToken(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);

        (int exit, Cli cli) = await Cli.RunAsync(Cli.ListenArgs(server, WrongSentinel), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        List<JsonElement> refused = records.Where(r => r.Kind() == "subscription_error").ToList();
        Assert.That(refused.Select(r => r.Str("channel")), Is.EquivalentTo(server.Options.Channels));
        Assert.That(refused.Select(r => r.GetProperty("status").GetInt32()), Is.All.EqualTo(401));
        Assert.That(refused.Select(r => r.Str("error")), Is.All.Not.Empty);
        Assert.That(records.Select(r => r.Kind()), Has.None.EqualTo("subscribed").And.None.EqualTo("event"));
        Assert.That((records[^1].Kind(), records[^1].Str("from"), records[^1].Str("to")), Is.EqualTo(("state", "connected", "disconnected")));
        Assert.That(cli.Stderr.Text, Does.StartWith("fatal: every channel was refused"));
        Assert.That(server.Server.AuthRequests.Select(r => r.Authorized), Is.All.False);
        Assert.That(cli.AllOutput, Does.Not.Contain(WrongSentinel).And.Not.Contain(Sentinel));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_WrongKey_4001_Exits1(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);

        (int exit, Cli cli) = await Cli.RunAsync(Cli.ListenArgs(server, Sentinel, "--key", "NotTheKey"), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        JsonElement error = records.First(r => r.Kind() == "error");
        Assert.That(error.GetProperty("code").GetInt32(), Is.EqualTo(4001));
        Assert.That(error.Str("message"), Does.Contain("NotTheKey"));
        // The client has failed for good: that is the last record (no reconnect, no later disconnect noise).
        Assert.That((records[^1].Kind(), records[^1].Str("to")), Is.EqualTo(("state", "failed")));
        Assert.That(records.Select(r => r.Kind()), Has.None.EqualTo("subscribed"));
        Assert.That(cli.Stderr.Text, Does.StartWith("fatal: the server refused the connection (4001: App key NotTheKey does not exist)"));
        Assert.That(server.Server.Connections, Has.Count.EqualTo(1), "a refused connection is not retried");
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_Cancelled_LikeCtrlC_DisconnectsCleanly_AndExits0(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Cli cli = Cli.Start(Cli.ListenArgs(server, Sentinel), ctrlC.Token);

        await cli.Stdout.WaitUntilAsync(lines => lines.Count(l => l.Contains("\"subscribed\"", StringComparison.Ordinal)) == server.Options.Channels.Count, ct);
        await ctrlC.CancelAsync();
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        Assert.That((records[^1].Kind(), records[^1].Str("from"), records[^1].Str("to")), Is.EqualTo(("state", "connected", "disconnected")));
        Testing.TestConnection connection = server.Server.Connections[0];
        await connection.WaitForClosedAsync(ct);
        Assert.That(connection.ClientCloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        Assert.That(cli.Stderr.Text, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_TokenFromEnvironment_IsUsed_AndNeverPrinted(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);
        Cli cli = Cli.Start(Cli.ListenArgs(server, token: "", "--count", "1"), ct, environment: new Dictionary<string, string> { ["CHATAPP_TOKEN"] = Sentinel });

        await cli.WaitForSubscriptionsAsync(server, server.Options.Channels, ct);
        await server.PublishAsync(1, ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        Assert.That(cli.Records().Count(r => r.Kind() == "subscribed"), Is.EqualTo(server.Options.Channels.Count));
        Assert.That(server.Server.AuthRequests.Select(r => r.Authorized), Is.All.True);
        Assert.That(cli.AllOutput, Does.Not.Contain(Sentinel));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_TokenOption_WinsOverEnvironment(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);
        Cli cli = Cli.Start(Cli.ListenArgs(server, Sentinel, "--count", "1"), ct, environment: new Dictionary<string, string> { ["CHATAPP_TOKEN"] = WrongSentinel });

        await cli.WaitForSubscriptionsAsync(server, server.Options.Channels, ct);
        await server.PublishAsync(1, ct);

        Assert.That(await cli.Run.WaitAsync(ct), Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        Assert.That(server.Server.AuthRequests.Select(r => r.Authorized), Is.All.True);
        Assert.That(cli.AllOutput, Does.Not.Contain(Sentinel).And.Not.Contain(WrongSentinel));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_PrettyFormat_IsReadable_WithTypedSummaries(CancellationToken ct)
    {
        await using ChatAppDemoServer server = await StartServerAsync(ct);
        Cli cli = Cli.Start(Cli.ListenArgsWithFormat(server, Sentinel, "pretty", "--count", "2"), ct);

        await cli.WaitForSubscriptionsAsync(server, server.Options.Channels, ct);
        await server.PublishAsync(2, ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        IReadOnlyList<string> lines = cli.Stdout.Lines;
        Assert.That(lines[0], Does.Match(@"^\d\d:\d\d:\d\d\.\d{3} state +initialized -> connecting$"));
        Assert.That(lines, Has.Some.Match(@" state +connecting -> connected \(socket \d+\.\d+\)$"));
        foreach (string channel in server.Options.Channels)
        {
            Assert.That(lines, Has.Some.EndsWith($" subscribed {channel}"));
        }

        string messageChannel = server.ChannelFor(ChatAppSamples.All[0], 0);
        Assert.That(lines, Has.Some.EndsWith($" event      message on {messageChannel}: 1 item, in text \"Test\" from Test Test"));
        Assert.That(lines, Has.Some.Contains(" event      messageStatus on ").And.Some.Match("^ +\"type\": \"delivered\",$"));
        Assert.That(lines[^1], Does.EndWith(" state      connected -> disconnected"));
        Assert.That(cli.AllOutput, Does.Not.Contain(Sentinel));
    }
}
