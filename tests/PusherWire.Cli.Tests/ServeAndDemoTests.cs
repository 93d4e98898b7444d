using System.Text.Json;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Tests;

/// <summary><c>pusherwire serve</c> and <c>pusherwire demo</c>.</summary>
public class ServeAndDemoTests
{
    private const string Sentinel = "SENTINEL-serve-token-44d2e8";

    [Test, CancelAfter(60_000)]
    public async Task Serve_PrintsItsEndpoints_AndThePrintedListenCommandReceivesItsEvents(CancellationToken ct)
    {
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Cli serve = Cli.Start(["serve", "--rate", "200"], ctrlC.Token);
        string listenLine = await serve.Stdout.WaitForLineAsync(l => l.StartsWith("listen with:", StringComparison.Ordinal), ct);

        IReadOnlyList<string> lines = serve.Stdout.Lines;
        Assert.That(lines[0], Does.Match(@"^ws url: +ws://127\.0\.0\.1:\d+/app/ChatsAppApiProdKey$"));
        Assert.That(lines[1], Does.Match(@"^auth endpoint: +http://127\.0\.0\.1:\d+/broadcasting/auth$"));
        Assert.That(lines[2], Does.Contain("demo-access-token").And.Contain("not a secret"));

        // The printed command, run as printed, subscribes to all four channels and receives the sample events.
        string[] printed = listenLine[(listenLine.IndexOf("pusherwire ", StringComparison.Ordinal) + "pusherwire ".Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        (int exit, Cli listen) = await Cli.RunAsync([.. printed, "--count", "10", "--format", "ndjson"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), listen.AllOutput);
        List<JsonElement> events = listen.Records().Where(r => r.Kind() == "event").ToList();
        Assert.That(events, Has.Count.EqualTo(10));
        foreach (JsonElement e in events)
        {
            Assert.That(ChatAppEventSerializer.IsKnownEvent(e.Str("event")), Is.True, e.ToString());
            Assert.That(ChatAppChannels.Parse(e.Str("channel")).Kind, Is.EqualTo(ChatAppEventSerializer.GetChannelKind(e.Str("event"))));
            Assert.That(e.GetProperty("data").ValueKind, Is.EqualTo(JsonValueKind.Object));
        }

        await ctrlC.CancelAsync();
        Assert.That(await serve.Run.WaitAsync(ct), Is.EqualTo(ExitCodes.Ok), serve.AllOutput);
        Assert.That(serve.Stderr.Text, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task Serve_WithAUserToken_RequiresIt_AndDoesNotEchoIt(CancellationToken ct)
    {
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Cli serve = Cli.Start(["serve", "--rate", "200", "--token", Sentinel], ctrlC.Token);
        await serve.Stdout.WaitForLineAsync(l => l.StartsWith("Press Ctrl+C", StringComparison.Ordinal), ct);
        string port = serve.Stdout.Lines[0].Split(':')[^1].Split('/')[0];

        string[] listenArgs = ["listen", "--no-tls", "--host", "127.0.0.1", "--port", port, "--auth-endpoint", $"http://127.0.0.1:{port}/broadcasting/auth", "--user", "685", "--count", "1"];
        (int accepted, Cli good) = await Cli.RunAsync([.. listenArgs, "--token", Sentinel], ct);
        (int refused, Cli bad) = await Cli.RunAsync([.. listenArgs, "--token", "demo-access-token"], ct);

        Assert.That(accepted, Is.EqualTo(ExitCodes.Ok), good.AllOutput);
        Assert.That(refused, Is.EqualTo(ExitCodes.Fatal), bad.AllOutput);
        Assert.That(serve.Stdout.Lines[2], Does.Contain("(the one given with --token)"));
        Assert.That(serve.Stdout.Text, Does.Contain("--token <your token>"));
        await ctrlC.CancelAsync();
        Assert.That(await serve.Run.WaitAsync(ct), Is.EqualTo(ExitCodes.Ok));
        Assert.That(serve.AllOutput + good.AllOutput + bad.AllOutput, Does.Not.Contain(Sentinel));
    }

    [Test, CancelAfter(60_000)]
    public async Task Demo_ByDefault_StreamsTheTwentySamples_OnePerLine_AndExitsByItself(CancellationToken ct)
    {
        // What the README's first command does (redirected: NDJSON).
        (int exit, Cli cli) = await Cli.RunAsync(["demo"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        List<JsonElement> records = cli.Records();
        List<JsonElement> events = records.Where(r => r.Kind() == "event").ToList();
        Assert.That(events, Has.Count.EqualTo(20));
        Assert.That(events.Select(e => e.Str("event")).Distinct(), Is.EquivalentTo(ChatAppEventSerializer.EventNames));
        Assert.That(events.Select(e => e.GetProperty("data").ValueKind), Is.All.EqualTo(JsonValueKind.Object));
        Assert.That(records.Count(r => r.Kind() == "subscribed"), Is.EqualTo(4));
        Assert.That(records[^1].Str("to"), Is.EqualTo("disconnected"));
        Assert.That(cli.Stderr.Text, Does.StartWith("demo: "));
    }

    [TestCase(true, "pretty"), TestCase(false, "ndjson"), CancelAfter(60_000)]
    public async Task Demo_FormatDefault_FollowsTheTerminal(bool isTerminal, string expected, CancellationToken ct)
    {
        (int exit, Cli cli) = await Cli.RunAsync(["demo", "--count", "1", "--rate", "100"], ct, isTerminal);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        string first = cli.Stdout.Lines[0];
        Assert.That(first.StartsWith('{') ? "ndjson" : "pretty", Is.EqualTo(expected), first);
    }
}
