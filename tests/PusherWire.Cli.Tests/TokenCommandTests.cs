// `pusherwire token make|refresh|check` and `listen --token-file/--email` against the test server's token API.
using System.Globalization;
using System.Text.Json;
using PusherWire.ChatApp;
using PusherWire.Testing;

namespace PusherWire.Cli.Tests;

/// <summary>The token commands and listen's token options, end to end over loopback, with every secret checked for leaks.</summary>
public class TokenCommandTests
{
    private const string Password = "pw-SENTINEL-5c1e";
    private const string Email = "ops@example.com";
    private const string AppId = "app-42";
    private static readonly Dictionary<string, string> Env = new() { ["CHATAPP_PASSWORD"] = Password };

    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("pusherwire-cli-tokens-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string TokenFile => Path.Combine(_dir, "chatapp-token.json");

    private static Task<PusherTestServer> StartServerAsync(CancellationToken ct) =>
        PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            AppKey = ChatAppOptions.DefaultKey,
            TokenEndpoints = new TestTokenEndpointsOptions { Email = Email, Password = Password, AppId = AppId },
        }, ct);

    private string[] TokenArgs(PusherTestServer server, string action, params string[] extra) =>
        ["token", action, "--token-file", TokenFile, "--api-base", server.ApiBase.ToString(), "--no-tls", .. extra];

    private async Task<ChatAppTokenPair> ReadFileAsync(CancellationToken ct) => (await new ChatAppFileTokenStore(TokenFile).LoadAsync(ct))!;

    private static void AssertNoSecrets(Cli cli, params string[] secrets)
    {
        foreach (string secret in secrets.Append(Password))
        {
            Assert.That(cli.AllOutput, Does.Not.Contain(secret), "a secret was printed");
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task Make_WritesAnOwnerOnlyFile_AndPrintsEndTimesOnly(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);

        var (exit, cli) = await Cli.RunAsync(TokenArgs(server, "make", "--email", Email, "--app-id", AppId), ct, environment: Env);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        ChatAppTokenPair pair = await ReadFileAsync(ct);
        Assert.That(server.Tokens!.IsAccessTokenValid(pair.AccessToken), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(TokenFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        JsonElement record = cli.Records().Single();
        Assert.That((record.Str("type"), record.Str("action"), record.Str("file")), Is.EqualTo(("token", "make", TokenFile)));
        Assert.That(DateTimeOffset.Parse(record.Str("accessTokenEndTime"), CultureInfo.InvariantCulture), Is.EqualTo(pair.AccessTokenEndTime));
        AssertNoSecrets(cli, pair.AccessToken, pair.RefreshToken);
    }

    [Test, CancelAfter(60_000)]
    public async Task Make_WithAWrongPassword_Exits1_WithoutPrintingIt(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        var env = new Dictionary<string, string> { ["CHATAPP_PASSWORD"] = "wrong-SENTINEL" };

        var (exit, cli) = await Cli.RunAsync(TokenArgs(server, "make", "--email", Email, "--app-id", AppId), ct, environment: env);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal));
        Assert.That(cli.Stderr.Text, Does.Contain("refused the email, password or app id"));
        Assert.That(cli.AllOutput, Does.Not.Contain("wrong-SENTINEL"));
        Assert.That(File.Exists(TokenFile), Is.False);
    }

    [Test, CancelAfter(60_000)]
    public async Task Make_WithoutThePasswordVariable_IsABadArgument(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        var (exit, cli) = await Cli.RunAsync(TokenArgs(server, "make", "--email", Email, "--app-id", AppId), ct);
        Assert.That(exit, Is.EqualTo(ExitCodes.BadArguments));
        Assert.That(cli.Stderr.Text, Does.Contain("CHATAPP_PASSWORD"));
        Assert.That(server.Tokens!.MakeCount, Is.Zero);
    }

    [Test, CancelAfter(60_000)]
    public async Task Refresh_ReplacesThePairInTheFile_AndCheckAcceptsTheNewOne(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        TestTokenPair issued = server.Tokens!.Issue();
        await File.WriteAllTextAsync(TokenFile, issued.ToDataJson(), ct);

        var (exit, cli) = await Cli.RunAsync(TokenArgs(server, "refresh"), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        ChatAppTokenPair pair = await ReadFileAsync(ct);
        Assert.That(pair.RefreshToken, Is.Not.EqualTo(issued.RefreshToken));
        Assert.That(server.Tokens.IsRefreshTokenValid(issued.RefreshToken), Is.False, "the old refresh token was used up");
        Assert.That(cli.Records().Single().Str("source"), Is.EqualTo("refresh"));
        AssertNoSecrets(cli, issued.AccessToken, issued.RefreshToken, pair.AccessToken, pair.RefreshToken);

        var (checkExit, check) = await Cli.RunAsync(TokenArgs(server, "check"), ct);
        Assert.That(checkExit, Is.EqualTo(ExitCodes.Ok), check.AllOutput);
        Assert.That(check.Records().Single().GetProperty("valid").GetBoolean(), Is.True);
        AssertNoSecrets(check, pair.AccessToken, pair.RefreshToken);
    }

    [Test, CancelAfter(60_000)]
    public async Task Check_ARevokedToken_Exits1_AndSaysInvalid(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        await File.WriteAllTextAsync(TokenFile, server.Tokens!.Issue().ToDataJson(), ct);
        server.Tokens.RevokeAll();

        var (exit, cli) = await Cli.RunAsync(TokenArgs(server, "check"), ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal));
        Assert.That(cli.Records().Single().GetProperty("valid").GetBoolean(), Is.False);
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_WithATokenFile_RefreshesAnExpiredAccessToken_UpdatesTheFile_AndReceives(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        TestTokenPair issued = server.Tokens!.Issue();
        // The file says the access token has ended (as after a weekend): listen must refresh before authorizing.
        await File.WriteAllTextAsync(TokenFile, (issued with { AccessTokenEndTime = DateTimeOffset.UtcNow.AddHours(-1) }).ToDataJson(), ct);
        string channel = ChatAppChannels.Company(2224);
        Cli cli = Cli.Start(
            ["listen", "--no-tls", "--host", server.Host, "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--auth-endpoint", server.AuthEndpoint.ToString(),
             "--format", "ndjson", "--company", "2224", "--count", "1", "--token-file", TokenFile, "--api-base", server.ApiBase.ToString()], ct);

        Task<TestConnection> connecting = server.WaitForConnectionAsync(0, ct);
        if (await Task.WhenAny(connecting, cli.Run) != connecting)
        {
            Assert.Fail($"listen exited with {await cli.Run} before connecting: {cli.AllOutput}");
        }

        TestConnection connection = await connecting;
        await connection.WaitForSubscriptionAsync(channel, ct);
        await server.PublishAsync(channel, "employeeStatus", """{"payload":{"data":[],"meta":{}}}""", ct);
        int exit = await cli.Run.WaitAsync(ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), cli.AllOutput);
        ChatAppTokenPair pair = await ReadFileAsync(ct);
        Assert.That(pair.AccessToken, Is.Not.EqualTo(issued.AccessToken), "the file holds the refreshed pair");
        Assert.That((server.Tokens.RefreshCount, server.Tokens.MakeCount, server.Tokens.RefusedAuthorizationCount), Is.EqualTo((1, 0, 0)));
        Assert.That(cli.Stderr.Text, Does.Contain("token: refresh, access token ends"));
        AssertNoSecrets(cli, issued.AccessToken, issued.RefreshToken, pair.AccessToken, pair.RefreshToken);
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_WithNoUsableTokenAndNoCredentials_Exits1_BeforeConnecting(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        var (exit, cli) = await Cli.RunAsync(
            ["listen", "--no-tls", "--host", server.Host, "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--company", "1",
             "--token-file", TokenFile, "--api-base", server.ApiBase.ToString()], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal));
        Assert.That(cli.Stderr.Text, Does.Contain("no credentials"));
        Assert.That(server.Connections, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_TokenAndTokenFile_Together_AreRefused(CancellationToken ct)
    {
        var (exit, cli) = await Cli.RunAsync(["listen", "--company", "1", "--token", "t", "--token-file", TokenFile], ct);
        Assert.That(exit, Is.EqualTo(ExitCodes.BadArguments));
        Assert.That(cli.Stderr.Text, Does.Contain("--token cannot be combined"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Bridge_TakesTheTokenOptions_AndChecksThemBeforeConnectingToNats(CancellationToken ct)
    {
        await using PusherTestServer server = await StartServerAsync(ct);
        var (exit, cli) = await Cli.RunAsync(
            ["bridge", "--no-tls", "--host", server.Host, "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--company", "1",
             "--nats", "nats://127.0.0.1:1", "--token-file", TokenFile, "--api-base", server.ApiBase.ToString()], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal));
        Assert.That(cli.Stderr.Text, Does.Contain("no credentials").And.Not.Contain("NATS"), "the token problem is reported first");

        var (conflict, conflictCli) = await Cli.RunAsync(["bridge", "--company", "1", "--token", "t", "--token-file", TokenFile], ct);
        Assert.That(conflict, Is.EqualTo(ExitCodes.BadArguments), conflictCli.AllOutput);
    }
}
