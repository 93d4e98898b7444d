using System.Text.Json;
using PusherWire.Cli.Demo;

namespace PusherWire.Cli.Tests;

/// <summary>Runs the CLI in-process, as <c>pusherwire</c> would run, with captured output.</summary>
internal sealed class Cli
{
    private Cli(Task<int> run, CapturingWriter stdout, CapturingWriter stderr)
    {
        Run = run;
        Stdout = stdout;
        Stderr = stderr;
    }

    public Task<int> Run { get; }

    public CapturingWriter Stdout { get; }

    public CapturingWriter Stderr { get; }

    /// <summary>Everything the run printed, on either stream.</summary>
    public string AllOutput => Stdout.Text + Stderr.Text;

    /// <summary>
    /// Starts the CLI. The environment is empty unless given, so a CHATAPP_TOKEN on the test machine cannot leak in.
    /// </summary>
    public static Cli Start(IEnumerable<string> args, CancellationToken cancellationToken, bool isTerminal = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        string[] argv = [.. args];
        Task<int> run = Task.Run(() => CliApp.RunAsync(argv, stdout, stderr, isTerminal, name => environment?.GetValueOrDefault(name), cancellationToken: cancellationToken), CancellationToken.None);
        return new Cli(run, stdout, stderr);
    }

    /// <summary>Runs the CLI to completion and returns its exit code.</summary>
    public static async Task<(int ExitCode, Cli Cli)> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken, bool isTerminal = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        Cli cli = Start(args, cancellationToken, isTerminal, environment);
        return (await cli.Run.WaitAsync(cancellationToken), cli);
    }

    /// <summary>Every stdout line parsed as one JSON object (fails the test when a line is not one).</summary>
    public List<JsonElement> Records()
    {
        var records = new List<JsonElement>();
        foreach (string line in Stdout.Lines)
        {
            JsonElement record;
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                record = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                Assert.Fail($"stdout line is not a JSON object ({e.Message}): {line}");
                throw;
            }

            Assert.That(record.ValueKind, Is.EqualTo(JsonValueKind.Object), line);
            records.Add(record);
        }

        return records;
    }

    /// <summary>The listen arguments for a demo server and its whole account (all channels).</summary>
    public static List<string> ListenArgs(ChatAppDemoServer server, string token, params string[] extra) => ListenArgsWithFormat(server, token, "ndjson", extra);

    /// <summary>The listen arguments for a demo server and its whole account, in the given format.</summary>
    public static List<string> ListenArgsWithFormat(ChatAppDemoServer server, string token, string format, params string[] extra)
    {
        ChatAppDemoOptions o = server.Options;
        List<string> args =
        [
            "listen", "--no-tls", "--host", server.Server.Host, "--port", server.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--auth-endpoint", server.Server.AuthEndpoint.ToString(), "--format", format,
        ];
        if (token.Length > 0)
        {
            args.AddRange(["--token", token]);
        }

        foreach (string messenger in o.Messengers)
        {
            args.AddRange(["--license", o.License.ToString(System.Globalization.CultureInfo.InvariantCulture), "--messenger", messenger]);
        }

        args.AddRange(["--company", o.Company.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", o.User.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        args.AddRange(extra);
        return args;
    }

    /// <summary>
    /// Waits until the (first) client of <paramref name="server"/> has subscribed to <paramref name="channels"/>; fails
    /// at once, with the output, when the run ends first.
    /// </summary>
    public async Task WaitForSubscriptionsAsync(ChatAppDemoServer server, IEnumerable<string> channels, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task subscribed = SubscribedAsync(stop.Token);
        if (await Task.WhenAny(subscribed, Run) != subscribed)
        {
            await stop.CancelAsync();
            Assert.Fail($"The CLI exited with {await Run} before subscribing: {AllOutput}");
        }

        await subscribed;

        async Task SubscribedAsync(CancellationToken ct)
        {
            PusherWire.Testing.TestConnection connection = await server.Server.WaitForConnectionAsync(0, ct);
            foreach (string channel in channels)
            {
                await connection.WaitForSubscriptionAsync(channel, ct);
            }
        }
    }
}

internal static class JsonElementExtensions
{
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static string Kind(this JsonElement e) => e.Str("kind");
}
