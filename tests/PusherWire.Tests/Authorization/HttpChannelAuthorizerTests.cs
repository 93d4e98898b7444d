using System.Net;
using PusherWire.Authorization;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace PusherWire.Tests.Authorization;

public class HttpChannelAuthorizerTests
{
    private const string SentinelToken = "$2y$10$SENTINEL-TOKEN-do-not-leak";
    private WireMockServer _server = null!;

    [SetUp]
    public void StartServer() => _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    [TearDown]
    public void StopServer() => _server.Dispose();

    private Uri Endpoint => new(_server.Urls[0] + "/broadcasting/auth");

    private HttpChannelAuthorizer Create(Func<HttpChannelAuthorizerOptions, HttpChannelAuthorizerOptions>? configure = null)
    {
        var options = new HttpChannelAuthorizerOptions(Endpoint)
        {
            AllowInsecureTransport = true,
            Headers = new Dictionary<string, string> { ["Authorization"] = SentinelToken, ["X-Static"] = "s" },
            // Not the 10 s default: on a busy machine a first WireMock answer can take that long. The timeout test sets its own.
            Timeout = TimeSpan.FromMinutes(2),
        };
        return new HttpChannelAuthorizer(configure is null ? options : configure(options));
    }

    private void Respond(int status, string body) =>
        _server.Given(Request.Create().WithPath("/broadcasting/auth").UsingPost())
               .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    [Test, CancelAfter(60_000)]
    public async Task PostsFormEncodedSocketAndChannel_WithHeadersAndParams(CancellationToken ct)
    {
        Respond(200, """{"auth":"ChatsAppApiProdKey:abc123","channel_data":null}""");
        using var authorizer = Create(o => o with { Params = new Dictionary<string, string> { ["extra"] = "x y" } });

        ChannelAuthorization result = await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest("123.456", "private-v1.users.685"), ct);

        Assert.That(result.Auth, Is.EqualTo("ChatsAppApiProdKey:abc123"));
        Assert.That(result.ChannelData, Is.Null);
        var request = _server.LogEntries.Single().RequestMessage!;
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Headers!["Content-Type"].Single(), Does.StartWith("application/x-www-form-urlencoded"));
            Assert.That(request.Headers["Authorization"].Single(), Is.EqualTo(SentinelToken));
            Assert.That(request.Headers["X-Static"].Single(), Is.EqualTo("s"));
            Assert.That(request.Body, Is.EqualTo("socket_id=123.456&channel_name=private-v1.users.685&extra=x+y"));
        });
    }

    [Test, CancelAfter(60_000)]
    public async Task AuthorizationProvider_IsAskedOnEveryRequest(CancellationToken ct)
    {
        Respond(200, """{"auth":"k:s"}""");
        int calls = 0;
        using var authorizer = Create(o => o with { AuthorizationProvider = _ => ValueTask.FromResult("token-" + ++calls) });

        await authorizer.AuthorizeAsync(new("1.1", "private-a"), ct);
        await authorizer.AuthorizeAsync(new("1.1", "private-b"), ct);

        var tokens = _server.LogEntries.Select(e => e.RequestMessage!.Headers!["Authorization"].Single()).ToList();
        Assert.That(tokens, Is.EqualTo(new[] { "token-1", "token-2" }), "the provider replaces the static header");
    }

    [Test, CancelAfter(60_000)]
    public async Task Unauthorized_AsksTheProviderAgainOnce_ThenFails(CancellationToken ct)
    {
        Respond(401, """{"message":"Unauthenticated."}""");
        int calls = 0;
        using var authorizer = Create(o => o with { AuthorizationProvider = _ => ValueTask.FromResult("t" + ++calls) });

        var e = await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), ct));

        Assert.That((e!.StatusCode, e.Failure, calls, _server.LogEntries.Count), Is.EqualTo(((int?)401, ChannelAuthorizationFailure.HttpStatus, 2, 2)));
    }

    [Test, CancelAfter(60_000)]
    public async Task RefreshedToken_SucceedsOnTheRetry(CancellationToken ct)
    {
        _server.Given(Request.Create().WithPath("/broadcasting/auth").WithHeader("Authorization", "fresh"))
               .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"auth":"k:fresh"}"""));
        _server.Given(Request.Create().WithPath("/broadcasting/auth").WithHeader("Authorization", "stale"))
               .RespondWith(Response.Create().WithStatusCode(401));
        int calls = 0;
        using var authorizer = Create(o => o with { AuthorizationProvider = _ => ValueTask.FromResult(++calls == 1 ? "stale" : "fresh") });

        ChannelAuthorization result = await authorizer.AuthorizeAsync(new("1.1", "private-a"), ct);
        Assert.That(result.Auth, Is.EqualTo("k:fresh"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Unauthorized_TellsAuthorizationRejected_WhichValueWasRefused_BeforeTheRetry(CancellationToken ct)
    {
        Respond(401, """{"message":"Unauthenticated."}""");
        var events = new List<string>();
        int calls = 0;
        using var authorizer = Create(o => o with
        {
            AuthorizationProvider = _ => { events.Add("provide"); return ValueTask.FromResult("t" + ++calls); },
            AuthorizationRejected = (refused, _) => { events.Add("rejected " + refused); return ValueTask.CompletedTask; },
        });

        await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), ct));

        Assert.That(events, Is.EqualTo(new[] { "provide", "rejected t1", "provide" }), "told once, about the first value, before asking again");
        Assert.That(authorizer.ToString(), Does.Contain("AuthorizationRejected = set"));
    }

    [TestCase(403)]
    [TestCase(404)]
    [TestCase(500)]
    [TestCase(503)]
    public async Task NonSuccessStatus_FailsWithThatStatus_WithoutEchoingTheBody(int status)
    {
        Respond(status, """{"auth":"k:SECRET-SIGNATURE"}""");
        using var authorizer = Create();

        var e = await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), CancellationToken.None));

        Assert.That(e!.StatusCode, Is.EqualTo(status));
        Assert.That(e.ChannelName, Is.EqualTo("private-a"));
        Assert.That(e.Message, Does.Contain(status.ToString()).And.Not.Contain("SECRET-SIGNATURE").And.Not.Contain(SentinelToken));
        Assert.That(_server.LogEntries.Count, Is.EqualTo(1), "only 401 is retried");
    }

    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("""{"channel_data":"x"}""")]
    [TestCase("""{"auth":42}""")]
    [TestCase("")]
    public async Task BadBody_IsAnInvalidResponse(string body)
    {
        Respond(200, body);
        using var authorizer = Create();
        var e = await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), CancellationToken.None));
        Assert.That(e!.Failure, Is.EqualTo(ChannelAuthorizationFailure.InvalidResponse));
    }

    [Test]
    public async Task OversizedBody_IsRejected()
    {
        Respond(200, """{"auth":"k:s","pad":""" + "\"" + new string('x', 10_000) + "\"}");
        using var authorizer = Create(o => o with { MaxResponseBytes = 1024 });
        var e = await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("larger than 1024"));
    }

    [Test]
    public async Task SlowEndpoint_TimesOut()
    {
        _server.Given(Request.Create().WithPath("/broadcasting/auth"))
               .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"auth":"k:s"}""").WithDelay(TimeSpan.FromSeconds(5)));
        using var authorizer = Create(o => o with { Timeout = TimeSpan.FromMilliseconds(200) });
        var e = await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), CancellationToken.None));
        Assert.That(e!.Failure, Is.EqualTo(ChannelAuthorizationFailure.Timeout));
    }

    [Test]
    public async Task UnreachableEndpoint_IsANetworkFailure()
    {
        var closed = new Uri("http://127.0.0.1:1/broadcasting/auth");
        using var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(closed) { AllowInsecureTransport = true });
        var e = await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), CancellationToken.None));
        Assert.That(e!.Failure, Is.EqualTo(ChannelAuthorizationFailure.Network));
    }

    [Test]
    public async Task Redirects_AreNotFollowed()
    {
        _server.Given(Request.Create().WithPath("/broadcasting/auth"))
               .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _server.Urls[0] + "/elsewhere"));
        using var authorizer = Create();
        var e = await Assert.ThrowsAsync<ChannelAuthorizationException>(async () => await authorizer.AuthorizeAsync(new("1.1", "private-a"), CancellationToken.None));
        Assert.That(e!.StatusCode, Is.EqualTo((int)HttpStatusCode.Redirect));
        Assert.That(_server.LogEntries.Select(l => l.RequestMessage!.Path), Has.None.EqualTo("/elsewhere"));
    }

    [Test]
    public void HttpEndpoint_IsRefusedUnlessAllowed()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(Endpoint)));
        Assert.That(e!.Message, Does.Contain("https"));
    }

    [Test]
    public void ToString_NeverShowsHeaderValuesOrTokens()
    {
        using var authorizer = Create(o => o with { AuthorizationProvider = _ => ValueTask.FromResult(SentinelToken) });
        string text = authorizer.ToString() + authorizer.Options + new PusherOptions("k") { Authorizer = authorizer };
        Assert.That(text, Does.Not.Contain(SentinelToken).And.Contain("Authorization"));
    }
}
