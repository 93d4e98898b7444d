using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PusherWire.Testing;

/// <summary>
/// An embeddable Pusher protocol 7 server on loopback (Kestrel, dynamic port) for tests and demos. It speaks the wire
/// protocol like a real server (connection_established, ping/pong, subscribe/unsubscribe, client events, presence),
/// verifies subscription signatures with the app secret, serves a Laravel-style <c>/broadcasting/auth</c> endpoint that
/// checks the <c>Authorization</c> header and signs, and lets a test publish events, ping, close with any code, drop
/// connections abruptly and inspect every frame the client sent.
/// </summary>
/// <example>
/// <code>
/// await using var server = await PusherTestServer.StartAsync(new PusherTestServerOptions { RequiredAuthorization = "token" });
/// // connect a client to ws://{server.Host}:{server.Port}/app/{server.Options.AppKey}, auth at server.AuthEndpoint
/// TestConnection connection = await server.WaitForConnectionAsync(0);
/// await connection.WaitForSubscriptionAsync("private-orders");
/// await server.PublishAsync("private-orders", "created", """{"id":1}""");
/// </code>
/// </example>
public sealed partial class PusherTestServer : IAsyncDisposable
{
    /// <summary>The path of the auth endpoint.</summary>
    public const string AuthPath = "/broadcasting/auth";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConditionSignal _changed = new();
    private readonly Lock _gate = new();
    private readonly List<TestConnection> _connections = [];
    private readonly List<TestAuthRequest> _authRequests = [];
    private readonly List<Task> _running = [];
    private int _disposed;

    private PusherTestServer(WebApplication app, PusherTestServerOptions options)
    {
        _app = app;
        Options = options;
        Tokens = options.TokenEndpoints is { } tokens ? new TestTokenAuthority(tokens) : null;
    }

    /// <summary>The settings in use.</summary>
    public PusherTestServerOptions Options { get; }

    /// <summary>The issued tokens and token API counters, or null unless <see cref="PusherTestServerOptions.TokenEndpoints"/> is set.</summary>
    public TestTokenAuthority? Tokens { get; }

    /// <summary>The base of the token API (<c>http://127.0.0.1:port</c>; the paths are <c>/v1/tokens</c>, <c>/v1/tokens/refresh</c>, <c>/v1/tokens/check</c>).</summary>
    public Uri ApiBase => new($"http://{Host}:{Port}");

    /// <summary>The host to connect to: <c>127.0.0.1</c>.</summary>
    public string Host { get; } = IPAddress.Loopback.ToString();

    /// <summary>The port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The WebSocket URL a client connects to (<c>ws://127.0.0.1:port/app/key</c>).</summary>
    public Uri WebSocketUri => new($"ws://{Host}:{Port}/app/{Options.AppKey}");

    /// <summary>The auth endpoint (<c>http://127.0.0.1:port/broadcasting/auth</c>).</summary>
    public Uri AuthEndpoint => new($"http://{Host}:{Port}{AuthPath}");

    /// <summary>
    /// While false, WebSocket upgrades are refused with HTTP 503 (the server is "down" without giving up its port).
    /// Default true.
    /// </summary>
    public bool AcceptConnections { get; set; } = true;

    /// <summary>Every connection accepted so far, in order, open or closed.</summary>
    public IReadOnlyList<TestConnection> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>How many requests reached the auth endpoint.</summary>
    public int AuthRequestCount
    {
        get
        {
            lock (_gate)
            {
                return _authRequests.Count;
            }
        }
    }

    /// <summary>Every request to the auth endpoint, in order (no header values: they are credentials).</summary>
    public IReadOnlyList<TestAuthRequest> AuthRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _authRequests];
            }
        }
    }

    /// <summary>Starts a server on loopback.</summary>
    public static async Task<PusherTestServer> StartAsync(PusherTestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PusherTestServerOptions();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        WebApplication app = builder.Build();
        var server = new PusherTestServer(app, options);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Use(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary>Waits until connection number <paramref name="index"/> (0-based, in accept order) exists and returns it.</summary>
    public Task<TestConnection> WaitForConnectionAsync(int index, CancellationToken cancellationToken = default) =>
        _changed.WaitAsync(() =>
        {
            lock (_gate)
            {
                return (_connections.Count > index, _connections.Count > index ? _connections[index] : null!);
            }
        }, cancellationToken);

    /// <summary>
    /// Publishes an event to every open connection subscribed to <paramref name="channelName"/>, like the HTTP API of a
    /// real server: <paramref name="dataJson"/> is sent JSON-encoded as a string. On a <c>private-encrypted-</c> channel
    /// with <see cref="PusherTestServerOptions.EncryptionMasterKeyBase64"/> set, it is encrypted first (see
    /// <c>PusherTestServer.Encryption.cs</c>).
    /// </summary>
    /// <returns>How many connections it was sent to.</returns>
    public Task<int> PublishAsync(string channelName, string eventName, string dataJson, CancellationToken cancellationToken = default)
    {
        byte[] frame = PusherFrames.Event(eventName, channelName, EncryptIfNeeded(channelName, dataJson));
        RememberForCache(channelName, frame); // cache- channels replay their last event to new subscribers
        return BroadcastAsync(channelName, frame, except: null, cancellationToken);
    }

    /// <summary>
    /// Builds the frame a publish of this event sends, so a benchmark or load test can send the same bytes many times
    /// with <see cref="TestConnection.SendRawAsync(ReadOnlyMemory{byte}, System.Net.WebSockets.WebSocketMessageType, CancellationToken)"/>.
    /// </summary>
    public static byte[] EncodeEvent(string channelName, string eventName, string dataJson) => PusherFrames.Event(eventName, channelName, dataJson);

    /// <summary>Stops listening and drops every connection. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (TestConnection connection in Connections)
        {
            connection.Abort();
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"PusherTestServer {{ {WebSocketUri}, Connections = {Connections.Count} }}";

    internal async Task<int> BroadcastAsync(string channelName, byte[] frame, TestConnection? except, CancellationToken cancellationToken)
    {
        int sent = 0;
        foreach (TestConnection connection in Connections)
        {
            if (connection != except && connection.IsSubscribed(channelName) && await connection.TrySendAsync(frame, cancellationToken).ConfigureAwait(false))
            {
                sent++;
            }
        }

        return sent;
    }

    internal Task BroadcastInternalAsync(string channelName, string eventName, string dataJson, TestConnection except, CancellationToken cancellationToken) =>
        BroadcastAsync(channelName, PusherFrames.Internal(eventName, channelName, dataJson), except, cancellationToken);

    /// <summary>The presence payload of <c>subscription_succeeded</c>: every member on the channel, deduplicated by user id.</summary>
    internal string PresenceSnapshot(string channelName)
    {
        var members = new Dictionary<string, PresenceMember>(StringComparer.Ordinal);
        AddScriptedMembers(channelName, members);
        foreach (TestConnection connection in Connections)
        {
            if (!connection.IsClosed && connection.MemberOf(channelName) is { } member)
            {
                members[member.UserId] = member;
            }
        }

        string ids = JsonSerializer.Serialize(members.Keys.ToArray(), TestingJsonContext.Default.StringArray);
        string hash = string.Join(",", members.Values.Select(m => $"{JsonSerializer.Serialize(m.UserId, TestingJsonContext.Default.String)}:{m.UserInfoJson ?? "null"}"));
        return $$$"""{"presence":{"ids":{{{ids}}},"hash":{{{{hash}}}},"count":{{{members.Count}}}}}""";
    }

    internal void OnClosed(TestConnection connection)
    {
        _changed.Pulse();
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        // Presence: the others learn that this member left (fire and forget: the closing connection is not waiting).
        foreach ((string channel, PresenceMember member) in connection.PresenceMemberships())
        {
            _ = BroadcastInternalAsync(channel, "pusher_internal:member_removed", $$"""{"user_id":{{JsonSerializer.Serialize(member.UserId, TestingJsonContext.Default.String)}}}""", connection, CancellationToken.None);
        }
    }

    private async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        string path = context.Request.Path.Value ?? "";
        if (Tokens is { } tokens && TokenEndpointHandler.Match(path, context.Request.Method) is { } operation)
        {
            await TokenEndpointHandler.HandleAsync(tokens, operation, context).ConfigureAwait(false);
            return;
        }

        if (path.EndsWith(AuthPath, StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            await AuthEndpointHandler.HandleAsync(this, context, RecordAuthRequest).ConfigureAwait(false);
            return;
        }

        if (path.EndsWith(UserAuthPath, StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            await UserAuthEndpointHandler.HandleAsync(this, context, RecordUserAuthRequest).ConfigureAwait(false);
            return;
        }

        int app = path.LastIndexOf("/app/", StringComparison.Ordinal);
        if (app < 0 || !context.WebSockets.IsWebSocketRequest)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!AcceptConnections)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        await ServeSocketAsync(context, path[(app + "/app/".Length)..]).ConfigureAwait(false);
    }

    private async Task ServeSocketAsync(HttpContext context, string appKey)
    {
        using System.Net.WebSockets.WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var connection = new TestConnection(this, context, socket, NewSocketId(), appKey);
        Task running;
        lock (_gate)
        {
            _connections.Add(connection);
            running = connection.RunAsync(_stopping.Token);
            _running.Add(running);
        }

        _changed.Pulse();
        try
        {
            if (!string.Equals(appKey, Options.AppKey, StringComparison.Ordinal))
            {
                // What Pusher does for an unknown key: an error frame, then close 4001.
                await connection.SendErrorAsync(4001, $"App key {appKey} does not exist", _stopping.Token).ConfigureAwait(false);
                await connection.CloseAsync(4001, "App key does not exist", _stopping.Token).ConfigureAwait(false);
            }
            else if (Options.SendConnectionEstablished)
            {
                await connection.SendConnectionEstablishedAsync(cancellationToken: _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away during the handshake; RunAsync records the close.
        }

        await running.ConfigureAwait(false);
    }

    private void RecordAuthRequest(TestAuthRequest request)
    {
        lock (_gate)
        {
            _authRequests.Add(request);
        }

        _changed.Pulse();
    }

    private static string NewSocketId() =>
        $"{RandomNumberGenerator.GetInt32(1, int.MaxValue)}.{RandomNumberGenerator.GetInt32(1, int.MaxValue)}";
}
