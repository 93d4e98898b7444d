// ChatAppTokenClient against a WireMock token API: request shapes, answer parsing, refusals, retries, no leaks.
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace PusherWire.ChatApp.Tests.Tokens;

public class TokenClientTests
{
    private const string Password = "pw-SENTINEL-secret";
    private static readonly DateTimeOffset AccessEnd = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RefreshEnd = new(2026, 12, 16, 12, 0, 0, TimeSpan.Zero);

    [Test, CancelAfter(60_000)]
    public async Task Make_PostsCredentialsAsJson_AndReadsThePair(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Answer(TokenApiMock.MakePath, 200, TokenApiMock.Pair("acc-1", AccessEnd, "ref-1", RefreshEnd));
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()) with { Lang = "en" });

        ChatAppTokenPair pair = await client.MakeAsync(new ChatAppCredentials("me@example.com", Password, "app-7"), ct);

        Assert.That(pair, Is.EqualTo(new ChatAppTokenPair("acc-1", AccessEnd, "ref-1", RefreshEnd)));
        var request = api.Requests(TokenApiMock.MakePath).Single().RequestMessage!;
        using JsonDocument body = JsonDocument.Parse(request.Body!);
        Assert.That((body.RootElement.GetProperty("email").GetString(), body.RootElement.GetProperty("password").GetString(), body.RootElement.GetProperty("appId").GetString()),
            Is.EqualTo(("me@example.com", Password, "app-7")));
        Assert.That(request.Headers!["Lang"]!.Single(), Is.EqualTo("en"));
        Assert.That(request.Headers!["Content-Type"]!.Single(), Does.StartWith("application/json"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Refresh_SendsTheRefreshHeader_AndAcceptsStringTimestamps(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Answer(TokenApiMock.RefreshPath, 200,
            $$$"""{"success":true,"data":{"accessToken":"acc-2","accessTokenEndTime":"{{{AccessEnd.ToUnixTimeSeconds()}}}","refreshToken":"ref-2","refreshTokenEndTime":{{{RefreshEnd.ToUnixTimeSeconds()}}}}}""");
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()));

        ChatAppTokenPair pair = await client.RefreshAsync("ref-1", ct);

        Assert.That((pair.AccessToken, pair.AccessTokenEndTime, pair.RefreshToken), Is.EqualTo(("acc-2", AccessEnd, "ref-2")));
        Assert.That(api.Requests(TokenApiMock.RefreshPath).Single().RequestMessage!.Headers!["Refresh"]!.Single(), Is.EqualTo("ref-1"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Check_SendsAuthorization_TrueWhenAccepted_FalseWhenRefused(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()));
        api.Answer(TokenApiMock.CheckPath, 200, """{"success":true,"data":{}}""", "GET");
        Assert.That(await client.CheckAsync("acc-1", ct), Is.True);
        Assert.That(api.Requests(TokenApiMock.CheckPath).Single().RequestMessage!.Headers!["Authorization"]!.Single(), Is.EqualTo("acc-1"));

        api.Server.Reset();
        api.Answer(TokenApiMock.CheckPath, 401, TokenApiMock.Refusal("ApiInvalidTokenError"), "GET");
        Assert.That(await client.CheckAsync("acc-1", ct), Is.False);
    }

    [TestCase(401)]
    [TestCase(200)]
    [CancelAfter(60_000)]
    public async Task Make_Refused_IsTypedAndNamesNoSecret(int status, CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Answer(TokenApiMock.MakePath, status, TokenApiMock.Refusal("ApiInvalidCredentialsError"));
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()));

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(() => client.MakeAsync(new ChatAppCredentials("me@example.com", Password, "app-7"), ct));

        Assert.That((e!.Failure, e.StatusCode, e.ErrorCode), Is.EqualTo((ChatAppTokenFailure.CredentialsRefused, status, "ApiInvalidCredentialsError")));
        Assert.That(e.ToString(), Does.Not.Contain(Password));
        Assert.That(api.Requests(TokenApiMock.MakePath), Has.Count.EqualTo(1), "a refusal is not retried");
    }

    [Test, CancelAfter(60_000)]
    public async Task Refresh_Refused_IsTyped_AndNotRetried(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Answer(TokenApiMock.RefreshPath, 401, TokenApiMock.Refusal("ApiInvalidTokenError"));
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()));

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(() => client.RefreshAsync("ref-SENTINEL", ct));

        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.RefreshTokenRefused));
        Assert.That(e.ToString(), Does.Not.Contain("ref-SENTINEL"));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task ServerErrors_AreRetried_UpToMaxAttempts(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Sequence(TokenApiMock.RefreshPath, (503, "{}"), (502, "<html>"), (200, TokenApiMock.Pair("acc-2", AccessEnd, "ref-2", RefreshEnd)));
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()));

        ChatAppTokenPair pair = await client.RefreshAsync("ref-1", ct);

        Assert.That(pair.AccessToken, Is.EqualTo("acc-2"));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(3));
    }

    [Test, CancelAfter(60_000)]
    public async Task ServerErrors_GiveUpAfterMaxAttempts_WithATypedError(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Answer(TokenApiMock.RefreshPath, 500, "{}");
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()) with { MaxAttempts = 2 });

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(() => client.RefreshAsync("ref-1", ct));

        Assert.That((e!.Failure, e.StatusCode), Is.EqualTo((ChatAppTokenFailure.HttpStatus, 500)));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(2));
    }

    [Test, CancelAfter(60_000)]
    public async Task Retry_WaitsTheBackoff_OnTheInjectedClock(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Sequence(TokenApiMock.RefreshPath, (503, "{}"), (200, TokenApiMock.Pair("acc-2", AccessEnd, "ref-2", RefreshEnd)));
        using var time = new SignallingTimeProvider();
        var client = new ChatAppTokenClient(api.ApiOptions(time) with { RetryDelay = TimeSpan.FromSeconds(30) });

        Task<ChatAppTokenPair> refresh = client.RefreshAsync("ref-1", ct);
        // Timer 1 is the first request's timeout; timer 2 is the backoff, waiting on the fake clock.
        await time.WaitForTimersAsync(2, ct);

        Assert.That(refresh.IsCompleted, Is.False, "the retry waits for the backoff");
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.That((await refresh).AccessToken, Is.EqualTo("acc-2"));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(2));
    }

    [TestCase("""{"success":true}""")]
    [TestCase("""{"success":true,"data":{"accessToken":"a","refreshToken":"r","accessTokenEndTime":1}}""")]
    [TestCase("""not json SENTINEL""")]
    [TestCase("""{"success":true,"data":{"accessToken":"a\nb","accessTokenEndTime":1800000000,"refreshToken":"r","refreshTokenEndTime":1800000000}}""")]
    [CancelAfter(60_000)]
    public async Task MalformedAnswers_AreInvalidResponse_WithoutEchoingTheBody(string body, CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Answer(TokenApiMock.MakePath, 200, body);
        var client = new ChatAppTokenClient(api.ApiOptions(new FakeTimeProvider()));

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(() => client.MakeAsync(new ChatAppCredentials("e", "p", "a"), ct));

        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.InvalidResponse));
        Assert.That(e.ToString(), Does.Not.Contain("SENTINEL"));
    }

    [Test]
    public void PlainHttp_IsRefused_UnlessAllowed()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new ChatAppTokenClient(new ChatAppTokenClientOptions { ApiBase = new Uri("http://api.example") }));
        Assert.That(e!.ParamName, Is.EqualTo("ApiBase"));
    }

    [Test]
    public void ToStrings_ShowNoSecrets()
    {
        var pair = new ChatAppTokenPair("acc-SENTINEL", AccessEnd, "ref-SENTINEL", RefreshEnd);
        var credentials = new ChatAppCredentials("me@example.com", Password, "app-7");
        var options = new ChatAppTokenManagerOptions { Credentials = credentials, InitialPair = pair };
        using var manager = new ChatAppTokenManager(options);
        string all = string.Join("\n", pair, credentials, options, manager, new ChatAppOptions { TokenManager = manager });
        Assert.That(all, Does.Not.Contain("SENTINEL"));
        Assert.That(all, Does.Contain(AccessEnd.ToString("O", null)));
    }
}
