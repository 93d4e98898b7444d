// ChatAppTokenManager: when it refreshes, when it makes, single flight, persistence, and its typed errors.
using Microsoft.Extensions.Time.Testing;

namespace PusherWire.ChatApp.Tests.Tokens;

public class TokenManagerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly ChatAppCredentials Credentials = new("me@example.com", "pw-SENTINEL", "app-7");

    private static ChatAppTokenPair PairAt(string suffix, DateTimeOffset issued) =>
        new($"acc-{suffix}", issued.AddHours(24), $"ref-{suffix}", issued.AddDays(14));

    private static string Answer(ChatAppTokenPair pair) =>
        TokenApiMock.Pair(pair.AccessToken, pair.AccessTokenEndTime, pair.RefreshToken, pair.RefreshTokenEndTime);

    private static ChatAppTokenManager Manager(TokenApiMock api, FakeTimeProvider time, ChatAppTokenPair? initial = null, ChatAppCredentials? credentials = null, IChatAppTokenStore? store = null) =>
        new(new ChatAppTokenManagerOptions { Api = api.ApiOptions(time), InitialPair = initial, Credentials = credentials, Store = store });

    [Test, CancelAfter(60_000)]
    public async Task AFreshToken_IsHandedOut_WithoutAnyRequest(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start), Credentials);

        time.Advance(TimeSpan.FromHours(23));
        for (int i = 0; i < 5; i++)
        {
            Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-1"));
        }

        Assert.That(api.Server.LogEntries, Is.Empty, "ChatApp asks for no make/refresh while the access token works");
    }

    [Test, CancelAfter(60_000)]
    public async Task NearExpiry_RefreshesOnce_AndRaisesRenewed(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        ChatAppTokenPair next = PairAt("2", Start.AddHours(23).AddMinutes(55));
        api.Answer(TokenApiMock.RefreshPath, 200, Answer(next));
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start));
        var renewed = new List<ChatAppTokenRenewedEventArgs>();
        manager.Renewed += (_, e) => renewed.Add(e);

        time.Advance(new TimeSpan(23, 55, 0)); // inside the default 10-minute RefreshAhead window
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-2"));
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-2"));

        Assert.That(api.Requests(TokenApiMock.RefreshPath).Single().RequestMessage!.Headers!["Refresh"]!.Single(), Is.EqualTo("ref-1"));
        Assert.That(renewed.Select(e => (e.Source, e.AccessTokenEndTime)), Is.EqualTo(new[] { (ChatAppTokenSource.Refresh, next.AccessTokenEndTime) }));
        Assert.That(api.Requests(TokenApiMock.MakePath), Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task ARejectedToken_IsRefreshedOnce_ForManyConcurrentCallers(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(TokenApiMock.RefreshPath).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody(Answer(PairAt("2", Start)))
                .WithDelay(TimeSpan.FromMilliseconds(50))); // keeps the refresh in flight while the others queue up
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start));
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-1"));

        // Every channel's 401 reports the same old token, then asks again.
        var callers = Enumerable.Range(0, 20).Select(async _ =>
        {
            await manager.ReportRejectedAsync("acc-1", ct);
            return await manager.GetAccessTokenAsync(ct);
        }).ToList();
        string[] tokens = await Task.WhenAll(callers);

        Assert.That(tokens, Is.All.EqualTo("acc-2"));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task ALateRejectionOfAnOldToken_DoesNotRefreshAgain(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Answer(TokenApiMock.RefreshPath, 200, Answer(PairAt("2", Start)));
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start));
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-1"));

        await manager.ReportRejectedAsync("acc-1", ct);
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-2"));
        await manager.ReportRejectedAsync("acc-1", ct);
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-2"));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task AThrowingRenewedHandler_DoesNotFailTheRequest(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        api.Answer(TokenApiMock.MakePath, 200, Answer(PairAt("1", Start)));
        using ChatAppTokenManager manager = Manager(api, new FakeTimeProvider(Start), credentials: Credentials);
        manager.Renewed += (_, _) => throw new InvalidOperationException("logging bug");

        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-1"));
    }

    [Test, CancelAfter(60_000)]
    public async Task ExpiredRefreshToken_WithCredentials_Makes(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Answer(TokenApiMock.MakePath, 200, Answer(PairAt("new", Start.AddDays(15))));
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start), Credentials);

        time.Advance(TimeSpan.FromDays(15));
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-new"));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Is.Empty, "an expired refresh token is not even tried");
        Assert.That(api.Requests(TokenApiMock.MakePath), Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task ExpiredRefreshToken_WithoutCredentials_IsATypedError(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start));

        time.Advance(TimeSpan.FromDays(15));
        var e = await Assert.ThrowsAsync<ChatAppTokenException>(async () => await manager.GetAccessTokenAsync(ct));
        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.RefreshTokenExpired));
        Assert.That(e.Message, Does.Contain("no credentials"));
        Assert.That(api.Server.LogEntries, Is.Empty);
    }

    [Test, CancelAfter(60_000)]
    public async Task RefusedRefresh_FallsBackToMake_WhenCredentialsWereGiven(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Answer(TokenApiMock.RefreshPath, 401, TokenApiMock.Refusal("ApiInvalidTokenError"));
        api.Answer(TokenApiMock.MakePath, 200, Answer(PairAt("made", Start)));
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start), Credentials);
        var sources = new List<ChatAppTokenSource>();
        manager.Renewed += (_, e) => sources.Add(e.Source);

        ChatAppTokenPair pair = await manager.RefreshAsync(ct);

        Assert.That(pair.AccessToken, Is.EqualTo("acc-made"));
        Assert.That(sources, Is.EqualTo(new[] { ChatAppTokenSource.Make }));
    }

    [Test, CancelAfter(60_000)]
    public async Task RefusedRefresh_WithoutCredentials_SaysWhichCredentialIsMissing(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Answer(TokenApiMock.RefreshPath, 401, TokenApiMock.Refusal("ApiInvalidTokenError"));
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start));

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(() => manager.RefreshAsync(ct));
        Assert.That((e!.Failure, e.ErrorCode), Is.EqualTo((ChatAppTokenFailure.RefreshTokenRefused, "ApiInvalidTokenError")));
        Assert.That(e.Message, Does.Contain("no credentials").And.Not.Contain("ref-1"));
    }

    [Test, CancelAfter(60_000)]
    public async Task MakeRefused_IsCredentialsRefused_WithoutThePassword(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Answer(TokenApiMock.MakePath, 401, TokenApiMock.Refusal("ApiInvalidCredentialsError"));
        using ChatAppTokenManager manager = Manager(api, time, credentials: Credentials);

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(async () => await manager.GetAccessTokenAsync(ct));
        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.CredentialsRefused));
        Assert.That(e.ToString(), Does.Not.Contain("pw-SENTINEL"));
    }

    [Test, CancelAfter(60_000)]
    public async Task NoPair_NoCredentials_EmptyStore_IsCredentialsMissing(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        using var dir = new TempDirectory();
        using ChatAppTokenManager manager = Manager(api, new FakeTimeProvider(Start), store: new ChatAppFileTokenStore(dir.File("tokens.json")));

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(async () => await manager.GetAccessTokenAsync(ct));
        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.CredentialsMissing));
    }

    [Test, CancelAfter(60_000)]
    public async Task TransientFailureOfAnEarlyRefresh_KeepsTheStillValidToken(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Answer(TokenApiMock.RefreshPath, 503, "{}");
        using ChatAppTokenManager manager = Manager(api, time, PairAt("1", Start));

        time.Advance(TimeSpan.FromHours(23.95));
        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-1"));
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(3), "tried MaxAttempts times");

        time.Advance(TimeSpan.FromHours(0.1)); // now past the end: the failure surfaces
        var e = await Assert.ThrowsAsync<ChatAppTokenException>(async () => await manager.GetAccessTokenAsync(ct));
        Assert.That((e!.Failure, e.StatusCode), Is.EqualTo((ChatAppTokenFailure.HttpStatus, 503)));
    }

    [Test, CancelAfter(60_000)]
    public async Task AStoredPair_IsReused_AndEveryRenewalIsSaved(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var store = new ChatAppFileTokenStore(dir.File("tokens.json"));
        await store.SaveAsync(PairAt("stored", Start), ct);
        api.Answer(TokenApiMock.RefreshPath, 200, Answer(PairAt("2", Start.AddHours(24))));

        using (ChatAppTokenManager first = Manager(api, time, credentials: Credentials, store: store))
        {
            Assert.That(await first.GetAccessTokenAsync(ct), Is.EqualTo("acc-stored"));
            time.Advance(TimeSpan.FromHours(24));
            Assert.That(await first.GetAccessTokenAsync(ct), Is.EqualTo("acc-2"));
        }

        using ChatAppTokenManager restarted = Manager(api, time, credentials: Credentials, store: store);
        Assert.That(await restarted.GetAccessTokenAsync(ct), Is.EqualTo("acc-2"), "a restart reuses the saved pair");
        Assert.That(api.Requests(TokenApiMock.MakePath), Is.Empty);
        Assert.That(api.Requests(TokenApiMock.RefreshPath), Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task AStoreThatCannotSave_DoesNotFailTheRenewal_ButIsReported(CancellationToken ct)
    {
        using var api = new TokenApiMock();
        var time = new FakeTimeProvider(Start);
        api.Answer(TokenApiMock.MakePath, 200, Answer(PairAt("1", Start)));
        using ChatAppTokenManager manager = Manager(api, time, credentials: Credentials, store: new ChatAppFileTokenStore("/nonexistent-dir-i14/tokens.json"));
        Exception? storeError = null;
        manager.Renewed += (_, e) => storeError = e.StoreError;

        Assert.That(await manager.GetAccessTokenAsync(ct), Is.EqualTo("acc-1"));
        Assert.That(storeError, Is.TypeOf<ChatAppTokenException>().With.Property(nameof(ChatAppTokenException.Failure)).EqualTo(ChatAppTokenFailure.Store));
    }
}
