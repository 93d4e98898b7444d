using System.Net;
using System.Text;
using PusherWire.Authorization;

namespace PusherWire.ChatApp.Tests;

public class PresetTests
{
    private const string Sentinel = "$2y$10$SENTINEL-TOKEN-7f3a9c";

    [Test]
    public void Defaults_AreChatAppProduction()
    {
        var options = new ChatAppOptions { Token = Sentinel };
        Assert.That((options.Host, options.Port, options.UseTls, options.Key, options.AuthEndpoint.ToString(), options.AllowInsecureTransport),
            Is.EqualTo(("socket.chatapp.online", 6001, true, "ChatsAppApiProdKey", "https://api.chatapp.online/broadcasting/auth", false)));
    }

    [Test]
    public void PusherOptions_ConnectToSocketChatappOnline6001OverTls_WithTheChatAppAuthorizer()
    {
        PusherOptions pusher = ChatAppClientFactory.CreatePusherOptions(new ChatAppOptions { Token = Sentinel });
        using var authorizer = (HttpChannelAuthorizer)pusher.Authorizer!;
        Assert.That((pusher.Key, pusher.Host, pusher.Port, pusher.UseTls, pusher.AllowInsecureTransport),
            Is.EqualTo(("ChatsAppApiProdKey", "socket.chatapp.online", (int?)6001, true, false)));
        Assert.That(pusher.BuildUri().ToString(), Does.StartWith("wss://socket.chatapp.online:6001/app/ChatsAppApiProdKey?protocol=7&"));
        Assert.That(authorizer.Options.Endpoint, Is.EqualTo(new Uri("https://api.chatapp.online/broadcasting/auth")));
        Assert.That(authorizer.Options.AllowInsecureTransport, Is.False);
        Assert.DoesNotThrow(pusher.Validate);
    }

    [Test]
    public void Overrides_ForALoopbackTestServer()
    {
        var options = new ChatAppOptions
        {
            TokenProvider = _ => ValueTask.FromResult(Sentinel),
            Host = "127.0.0.1",
            Port = 45678,
            UseTls = false,
            AllowInsecureTransport = true,
            Key = "test-key",
            AuthEndpoint = new Uri("http://127.0.0.1:45679/broadcasting/auth"),
        };
        PusherOptions pusher = ChatAppClientFactory.CreatePusherOptions(options);
        using var authorizer = (HttpChannelAuthorizer)pusher.Authorizer!;
        Assert.That(pusher.BuildUri().ToString(), Does.StartWith("ws://127.0.0.1:45678/app/test-key?"));
        Assert.That((authorizer.Options.Endpoint.ToString(), authorizer.Options.AllowInsecureTransport), Is.EqualTo(("http://127.0.0.1:45679/broadcasting/auth", true)));
        Assert.DoesNotThrow(pusher.Validate);
    }

    [Test]
    public void InsecureSettings_WithoutAllowInsecure_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ChatAppClientFactory.CreateClient(new ChatAppOptions { Token = Sentinel, UseTls = false }));
        Assert.Throws<ArgumentException>(() => ChatAppClientFactory.CreateAuthorizer(new ChatAppOptions { Token = Sentinel, AuthEndpoint = new Uri("http://127.0.0.1/auth") }));
    }

    [Test]
    public async Task CreateClient_IsAPusherClientWithThePreset()
    {
        await using PusherClient client = ChatAppClientFactory.CreateClient(new ChatAppOptions { Token = Sentinel });
        Assert.That((client.Options.Host, client.Options.Port, client.State), Is.EqualTo(("socket.chatapp.online", (int?)6001, ConnectionState.Initialized)));
        ((IDisposable)client.Options.Authorizer!).Dispose();
    }

    [Test]
    public void TokenSettings_AreValidated()
    {
        var neither = Assert.Throws<ArgumentException>(() => ChatAppClientFactory.CreatePusherOptions(new ChatAppOptions()));
        Assert.That(neither.Message, Does.StartWith("Set exactly one of ChatAppOptions.Token, ChatAppOptions.TokenProvider and ChatAppOptions.TokenManager."));
        Assert.Throws<ArgumentException>(() => ChatAppClientFactory.CreatePusherOptions(new ChatAppOptions { Token = Sentinel, TokenProvider = _ => ValueTask.FromResult("x") }));
        Assert.That(Assert.Throws<ArgumentException>(() => new ChatAppOptions { Token = " " }.Validate()).Message, Does.StartWith("The ChatApp token is empty."));
        Assert.Throws<ArgumentException>(() => new ChatAppOptions { Token = Sentinel, Port = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new ChatAppOptions { Token = Sentinel, Host = "" }.Validate());
        Assert.Throws<ArgumentException>(() => new ChatAppOptions { Token = Sentinel, AuthEndpoint = new Uri("/auth", UriKind.Relative) }.Validate());
    }

    [Test]
    public void Token_NeverAppearsInToStringOrExceptions()
    {
        var withToken = new ChatAppOptions { Token = Sentinel };
        var withProvider = new ChatAppOptions { TokenProvider = _ => ValueTask.FromResult(Sentinel) };
        PusherOptions pusher = ChatAppClientFactory.CreatePusherOptions(withToken);
        using var authorizer = (HttpChannelAuthorizer)pusher.Authorizer!;

        string[] printed =
        [
            withToken.ToString(),
            withProvider.ToString(),
            (withToken with { Port = 1 }).ToString(),
            pusher.ToString(),
            authorizer.ToString(),
            authorizer.Options.ToString(),
        ];
        foreach (string text in printed)
        {
            Assert.That(text, Does.Not.Contain("SENTINEL"));
        }

        Assert.That(withToken.ToString(), Does.Contain("Token = ***").And.Contain("Host = socket.chatapp.online"));
        Assert.That(withProvider.ToString(), Does.Contain("Token = null").And.Contain("TokenProvider = set"));
        Assert.That(authorizer.ToString(), Does.Contain("Headers = [Authorization]"), "the header is configured, by name only");

        Exception[] errors =
        [
            Assert.Throws<ArgumentException>(() => new ChatAppOptions { Token = Sentinel + "\r\nX-Evil: 1" }.Validate())!,
            Assert.Throws<ArgumentException>(() => new ChatAppOptions { Token = Sentinel, TokenProvider = _ => default }.Validate())!,
            Assert.Throws<ArgumentException>(() => new ChatAppOptions { Token = Sentinel, Port = -1 }.Validate())!,
        ];
        foreach (Exception error in errors)
        {
            Assert.That(error.ToString(), Does.Not.Contain("SENTINEL"));
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task StaticToken_IsSentAsTheAuthorizationHeader(CancellationToken ct)
    {
        using var handler = new RecordingHandler(HttpStatusCode.OK);
        using var http = new HttpClient(handler);
        using HttpChannelAuthorizer authorizer = ChatAppClientFactory.CreateAuthorizer(new ChatAppOptions { Token = Sentinel, AuthHttpClient = http });

        ChannelAuthorization result = await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest("1.2", "private-v1.users.685"), ct);

        Assert.That(result.Auth, Is.EqualTo("ChatsAppApiProdKey:sig"));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
        RecordedRequest request = handler.Requests[0];
        Assert.That((request.Uri, request.Authorization), Is.EqualTo(("https://api.chatapp.online/broadcasting/auth", Sentinel)));
        Assert.That(request.Body, Is.EqualTo("socket_id=1.2&channel_name=private-v1.users.685"));
    }

    [Test, CancelAfter(60_000)]
    public async Task TokenProvider_IsAskedOnEveryRequest_AndAgainAfterA401(CancellationToken ct)
    {
        using var handler = new RecordingHandler(HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK);
        using var http = new HttpClient(handler);
        int calls = 0;
        var options = new ChatAppOptions
        {
            TokenProvider = _ => ValueTask.FromResult($"token-{Interlocked.Increment(ref calls)}"),
            AuthHttpClient = http,
        };
        using HttpChannelAuthorizer authorizer = ChatAppClientFactory.CreateAuthorizer(options);

        await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest("1.2", "private-v1.companies.2224"), ct);
        await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest("1.3", "private-v1.companies.2224"), ct);

        Assert.That(handler.Requests.Select(r => r.Authorization), Is.EqualTo(new[] { "token-1", "token-2", "token-3" }));
    }

    [Test, CancelAfter(60_000)]
    public async Task TokenProvider_ReturningAnUnusableToken_FailsWithoutEchoingIt(CancellationToken ct)
    {
        using var handler = new RecordingHandler(HttpStatusCode.OK);
        using var http = new HttpClient(handler);
        using HttpChannelAuthorizer authorizer = ChatAppClientFactory.CreateAuthorizer(new ChatAppOptions
        {
            TokenProvider = _ => ValueTask.FromResult(Sentinel + "\n"),
            AuthHttpClient = http,
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest("1.2", "private-v1.users.685"), ct));
        Assert.That(error!.Message, Is.EqualTo("The ChatApp token provider failed: The ChatApp token contains control characters, so it cannot be sent as a header."));
        Assert.That(handler.Requests, Is.Empty, "nothing was sent");
    }

    private sealed record RecordedRequest(string Uri, string? Authorization, string Body);

    /// <summary>Answers auth requests with the given statuses in turn (200s carry a valid auth body) and records them.</summary>
    private sealed class RecordingHandler(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _next;

        public List<RecordedRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            string? authorization = request.Headers.TryGetValues("Authorization", out IEnumerable<string>? values) ? string.Join(",", values) : null;
            Requests.Add(new RecordedRequest(request.RequestUri!.ToString(), authorization, body));
            HttpStatusCode status = statuses[Math.Min(_next++, statuses.Length - 1)];
            return new HttpResponseMessage(status)
            {
                Content = new StringContent(status == HttpStatusCode.OK ? """{"auth":"ChatsAppApiProdKey:sig"}""" : "{}", Encoding.UTF8, "application/json"),
            };
        }
    }
}
