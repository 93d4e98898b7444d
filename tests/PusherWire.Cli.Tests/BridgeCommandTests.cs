// 'pusherwire bridge' end to end: the demo ChatApp server -> the CLI -> a real nats-server (ignored when it is missing).
using System.Text.Json;
using NATS.Client.JetStream;
using PusherWire.Bridge.Nats.Tests;
using PusherWire.Cli.Demo;

namespace PusherWire.Cli.Tests;

public class BridgeCommandTests
{
    private const string Secret = "SENTINEL-nats-password-4d2e";

    [Test, CancelAfter(60_000)]
    public async Task Bridge_PublishesEverySample_PrintsNdjsonStatus_AndExits0AfterCount(CancellationToken ct)
    {
        await using NatsServerHarness nats = await NatsServerHarness.StartAsync(ct);
        await using ChatAppDemoServer server = await ChatAppDemoServer.StartAsync(new ChatAppDemoOptions { EventsPerSecond = 1000 }, ct);
        var args = BridgeArgs(server, $"nats://user:{Secret}@127.0.0.1:{nats.Port}", "--count", "20", "--status-interval", "30");
        // nats-server without authorization accepts any user and password.
        Cli cli = Cli.Start(args, ct);

        await cli.WaitForSubscriptionsAsync(server, server.Options.Channels, ct);
        await server.PublishAsync(20, ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        Assert.That(records[0].Kind(), Is.EqualTo("bridge"));
        Assert.That((records[0].Str("stream"), records[0].Str("subjects"), records[0].Str("nats")), Is.EqualTo(("CHATAPP", "chatapp.>", $"nats://127.0.0.1:{nats.Port}")));
        Assert.That(records.Where(r => r.Kind() == "subscribed").Select(r => r.Str("channel")), Is.EquivalentTo(server.Options.Channels));
        JsonElement final = records[^1];
        Assert.That(final.Kind(), Is.EqualTo("stats"));
        Assert.That(final.GetProperty("final").GetBoolean());
        Assert.That((final.GetProperty("received").GetInt64(), final.GetProperty("published").GetInt64(), final.GetProperty("queued").GetInt32()), Is.EqualTo((20L, 20L, 0)));
        Assert.That(cli.AllOutput, Does.Not.Contain(Secret), "the NATS password is never printed");

        await using var reader = nats.Connect();
        var stream = await new NatsJSContext(reader).GetStreamAsync("CHATAPP", cancellationToken: ct);
        Assert.That(stream.Info.State.Messages, Is.EqualTo(20));
    }

    [Test, CancelAfter(60_000)]
    public async Task Bridge_WithAConflictingStream_ExitsFatal_WithTheDifference(CancellationToken ct)
    {
        await using NatsServerHarness nats = await NatsServerHarness.StartAsync(ct);
        await using (var admin = nats.Connect())
        {
            await new NatsJSContext(admin).CreateStreamAsync(new NATS.Client.JetStream.Models.StreamConfig("CHATAPP", ["elsewhere.>"]), ct);
        }

        await using ChatAppDemoServer server = await ChatAppDemoServer.StartAsync(new ChatAppDemoOptions(), ct);
        var (exit, cli) = await Cli.RunAsync(BridgeArgs(server, nats.Url), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.Contain("fatal: Stream 'CHATAPP' exists with settings the bridge does not expect").And.Contain("elsewhere.>"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Bridge_WithNatsUnreachable_ExitsFatal(CancellationToken ct)
    {
        await using NatsServerHarness nats = await NatsServerHarness.StartAsync(ct);
        await nats.StopAsync();
        await using ChatAppDemoServer server = await ChatAppDemoServer.StartAsync(new ChatAppDemoOptions(), ct);

        var (exit, cli) = await Cli.RunAsync(BridgeArgs(server, $"nats://user:{Secret}@127.0.0.1:{nats.Port}"), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.Contain($"fatal: NATS is unreachable at nats://127.0.0.1:{nats.Port}"));
        Assert.That(cli.AllOutput, Does.Not.Contain(Secret));
    }

    private static List<string> BridgeArgs(ChatAppDemoServer server, string natsUrl, params string[] extra)
    {
        List<string> args = Cli.ListenArgs(server, server.Options.Token);
        args[0] = "bridge";
        int format = args.IndexOf("--format");
        args.RemoveRange(format, 2);
        args.AddRange(["--nats", natsUrl]);
        args.AddRange(extra);
        return args;
    }
}
