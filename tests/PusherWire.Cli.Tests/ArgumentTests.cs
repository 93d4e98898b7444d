namespace PusherWire.Cli.Tests;

/// <summary>Bad arguments: a clear message on stderr, nothing on stdout, exit code 2, and never a secret echoed back.</summary>
public class ArgumentTests
{
    private const string Secret = "SENTINEL-secret-91c7e";

    private static IEnumerable<TestCaseData> BadArguments()
    {
        static TestCaseData Case(string expected, params string[] args) => new TestCaseData(args, expected).SetArgDisplayNames(string.Join(' ', args).Replace("\n", "\\n", StringComparison.Ordinal));

        yield return Case("Required command was not provided");
        yield return Case("Unrecognized command or argument '--bogus'", "listen", "--user", "1", "--bogus");
        yield return Case("--license and --messenger come in pairs (got 1 --license and 0 --messenger)", "listen", "--license", "1229");
        yield return Case("--license and --messenger come in pairs (got 1 --license and 2 --messenger)", "listen", "--license", "1229", "--messenger", "telegram", "--messenger", "grWhatsApp");
        yield return Case("Nothing to listen to", "listen");
        yield return Case("Nothing to listen to", "listen", "--token", "x", "--count", "5");
        yield return Case("--port must be between 1 and 65535 (got 0)", "listen", "--user", "1", "--port", "0");
        yield return Case("--port must be between 1 and 65535 (got 70000)", "listen", "--user", "1", "--port", "70000");
        yield return Case("Cannot parse argument 'abc' for option '--port'", "listen", "--user", "1", "--port", "abc");
        yield return Case("--count must be between 1 and", "listen", "--user", "1", "--count", "-1");
        yield return Case("--count must be between 1 and", "listen", "--user", "1", "--count", "0");
        yield return Case("--timeout must be a number of seconds above 0", "listen", "--user", "1", "--timeout", "0");
        yield return Case("--activity-timeout must be a number of seconds above 0", "listen", "--user", "1", "--activity-timeout", "-5");
        yield return Case("--header must look like 'Name: value'", "listen", "--user", "1", "--header", "no-colon-here");
        yield return Case("--header must look like 'Name: value'", "listen", "--user", "1", "--header", ": value-without-name");
        yield return Case("--header must look like 'Name: value'", "listen", "--user", "1", "--header", $"Authorization {Secret}");
        yield return Case("--header must look like 'Name: value'", "listen", "--user", "1", "--header", $"X-Api-Key: {Secret}\nX-Injected: 1");
        yield return Case("--header: 'Content-Type' cannot be sent as a request header", "listen", "--user", "1", "--header", "Content-Type: text/plain");
        yield return Case("--header: 'Bad Name' cannot be sent", "listen", "--user", "1", "--header", "Bad Name: x");
        yield return Case("contains a control character", "listen", "--user", "1", "--token", $"{Secret}\r\nX-Injected: 1");
        yield return Case("Argument 'xml' not recognized", "listen", "--user", "1", "--format", "xml");
        yield return Case("--auth-endpoint uses http://", "listen", "--user", "1", "--auth-endpoint", "http://example.com/broadcasting/auth");
        yield return Case("--auth-endpoint must be an absolute http(s) URL", "listen", "--user", "1", "--auth-endpoint", "ftp://example.com/auth");
        yield return Case("--channel 'bad channel!' is not a valid channel name", "listen", "--channel", "bad channel!");
        yield return Case("must be positive (got -3)", "listen", "--user", "-3");
        yield return Case("--count must be 0 (no limit) or more (got -1)", "demo", "--count", "-1");
        yield return Case("--rate must be above 0", "demo", "--rate", "0");
        yield return Case("Nothing to listen to", "bridge");
        yield return Case("--nats must be an absolute nats://", "bridge", "--user", "1", "--nats", $"http://user:{Secret}@host:4222");
        yield return Case("SubjectPrefix", "bridge", "--user", "1", "--subject-prefix", "a.*");
        yield return Case("Stream.Name", "bridge", "--user", "1", "--stream", "A.B");
        yield return Case("--max-queued must be between 1 and", "bridge", "--user", "1", "--max-queued", "0");
        yield return Case("--status-interval must be a number of seconds above 0", "bridge", "--user", "1", "--status-interval", "0");
        yield return Case("--rate must be above 0", "serve", "--rate", "-1");
        yield return Case("--port must be between 0 and 65535 (got -1)", "serve", "--port", "-1");
        yield return Case("--token must be non-empty and on one line", "serve", "--token", " ");
    }

    [TestCaseSource(nameof(BadArguments)), CancelAfter(60_000)]
    public async Task BadArguments_ClearMessage_Exit2(string[] args, string expected, CancellationToken ct)
    {
        (int exit, Cli cli) = await Cli.RunAsync(args, ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.BadArguments), cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.StartWith("error: ").And.Contain(expected));
        Assert.That(cli.Stderr.Text, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(cli.Stdout.Text, Is.Empty);
        Assert.That(cli.AllOutput, Does.Not.Contain(Secret));
    }

    [Test, CancelAfter(60_000)]
    public async Task Help_ListsTheCommands_AndExits0(CancellationToken ct)
    {
        (int exit, Cli cli) = await Cli.RunAsync(["--help"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok));
        Assert.That(cli.Stdout.Text, Does.Contain("listen").And.Contain("serve").And.Contain("demo"));
    }

    [Test, CancelAfter(60_000)]
    public async Task ListenHelp_ShowsTheDefaults(CancellationToken ct)
    {
        (int exit, Cli cli) = await Cli.RunAsync(["listen", "--help"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok));
        Assert.That(cli.Stdout.Text, Does.Contain("ChatsAppApiProdKey").And.Contain("socket.chatapp.online").And.Contain("6001")
            .And.Contain("https://api.chatapp.online/broadcasting/auth").And.Contain("CHATAPP_TOKEN"));
    }
}
