using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>
/// A PusherTestServer, a <see cref="FaultProxy"/> in front of its WebSocket port, and a client wired through the proxy
/// with a fake clock, recorded sockets, a counting token provider and every event captured. Auth requests go straight
/// to the server (the proxy's faults are for the socket).
/// </summary>
internal sealed class Rig : IAsyncDisposable
{
    /// <summary>The sentinel access token: it must never appear anywhere but the Authorization header.</summary>
    public const string Token = "SENTINEL-7f3a9c1e-token";

    private int _tokenCalls;

    private Rig(PusherTestServer server, FaultProxy proxy, FakeTimeProvider time, HttpChannelAuthorizer authorizer)
    {
        Server = server;
        Proxy = proxy;
        Time = time;
        Authorizer = authorizer;
    }

    public PusherTestServer Server { get; }

    public FaultProxy Proxy { get; }

    public FakeTimeProvider Time { get; }

    public HttpChannelAuthorizer Authorizer { get; }

    public PusherClient Client { get; private set; } = null!;

    public List<RecordingSocket> Sockets { get; } = [];

    public ConcurrentQueue<ConnectionStateChangedEventArgs> States { get; } = new();

    public ConcurrentQueue<PusherException> Errors { get; } = new();

    public ConcurrentQueue<ReconnectScheduledEventArgs> Reconnects { get; } = new();

    public Signal Changed { get; } = new();

    public int TokenCalls => Volatile.Read(ref _tokenCalls);

    /// <summary>What the token provider answers; a test may swap it (throw, hang, rotate).</summary>
    public Func<CancellationToken, ValueTask<string>> TokenSource { get; set; } = _ => ValueTask.FromResult(Token);

    public static async Task<Rig> StartAsync(
        PusherTestServerOptions? serverOptions = null,
        Func<PusherOptions, PusherOptions>? configure = null,
        Func<HttpChannelAuthorizerOptions, HttpChannelAuthorizerOptions>? configureAuth = null,
        int? proxyReceiveBuffer = null,
        CancellationToken ct = default)
    {
        Rig? rig = null;
        serverOptions ??= new PusherTestServerOptions { RequiredAuthorization = Token };
        Func<TestAuthRequest, CancellationToken, ValueTask<TestAuthResponse?>>? intercept = serverOptions.AuthInterceptor;
        serverOptions = serverOptions with
        {
            // The server records each auth request before asking the interceptor: pulsing here wakes waiters on AuthRequests.
            AuthInterceptor = (request, aborted) =>
            {
                rig?.Changed.Pulse();
                return intercept is null ? ValueTask.FromResult<TestAuthResponse?>(null) : intercept(request, aborted);
            },
        };
        PusherTestServer server = await PusherTestServer.StartAsync(serverOptions, ct);
        var proxy = new FaultProxy(server.Host, server.Port, proxyReceiveBuffer);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var authOptions = new HttpChannelAuthorizerOptions(server.AuthEndpoint)
        {
            AllowInsecureTransport = true,
            TimeProvider = time,
            AuthorizationProvider = ct => rig!.ProvideTokenAsync(ct),
        };
        var authorizer = new HttpChannelAuthorizer(configureAuth is null ? authOptions : configureAuth(authOptions));
        rig = new Rig(server, proxy, time, authorizer);
        var options = new PusherOptions(server.Options.AppKey)
        {
            Host = proxy.Host,
            Port = proxy.Port,
            UseTls = false,
            AllowInsecureTransport = true,
            Authorizer = authorizer,
            TimeProvider = time,
            // Jitter off: every delay is its nominal value, so schedules can be asserted exactly.
            Reconnect = new ReconnectPolicy { RandomSource = () => 0 },
            DefaultSocketDecorator = RecordingSocket.Decorator(rig.Sockets, rig.Changed),
        };
        rig.Attach(new PusherClient(configure is null ? options : configure(options)));
        return rig;
    }

    public RecordingSocket Socket(int index)
    {
        lock (Sockets)
        {
            return Sockets[index];
        }
    }

    public int SocketCount
    {
        get
        {
            lock (Sockets)
            {
                return Sockets.Count;
            }
        }
    }

    public IReadOnlyList<ConnectionState> StateSequence => [.. States.Select(s => s.Current)];

    public Task WaitForStateAsync(ConnectionState state, CancellationToken ct) =>
        Changed.WaitAsync(() => Client.State == state, ct);

    /// <summary>Waits for the <paramref name="n"/>-th (1-based) scheduled reconnect and returns it.</summary>
    public async Task<ReconnectScheduledEventArgs> WaitForReconnectAsync(int n, CancellationToken ct)
    {
        await Changed.WaitAsync(() => Reconnects.Count >= n, ct);
        return Reconnects.ElementAt(n - 1);
    }

    /// <summary>Waits for the <paramref name="n"/>-th scheduled reconnect and advances the fake clock by its delay.</summary>
    public async Task<ReconnectScheduledEventArgs> AdvanceThroughReconnectAsync(int n, CancellationToken ct)
    {
        ReconnectScheduledEventArgs scheduled = await WaitForReconnectAsync(n, ct);
        Time.Advance(scheduled.Delay);
        return scheduled;
    }

    public async Task<T> WaitForErrorAsync<T>(Func<T, bool>? match, CancellationToken ct)
        where T : PusherException
    {
        T? found = null;
        await Changed.WaitAsync(() => (found = Errors.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true)) is not null, ct);
        return found!;
    }

    /// <summary>Connects and waits until every given channel is confirmed, on the server too.</summary>
    public async Task<TestConnection> ConnectAndSubscribeAsync(CancellationToken ct, params string[] channels)
    {
        PusherChannel[] subscribed = [.. channels.Select(Client.Subscribe)];
        int index = Server.Connections.Count;
        await Client.ConnectAsync(ct);
        await Task.WhenAll(subscribed.Select(c => c.WaitForSubscriptionAsync(ct)));
        TestConnection server = await Server.WaitForConnectionAsync(index, ct);
        foreach (string channel in channels)
        {
            await server.WaitForSubscriptionAsync(channel, ct);
        }

        return server;
    }

    /// <summary>Everything the client surfaced as text: for secret scans.</summary>
    public IEnumerable<string> CapturedText()
    {
        foreach (PusherException e in Errors)
        {
            yield return e.Message;
            yield return e.ToString();
        }

        foreach (ConnectionStateChangedEventArgs s in States)
        {
            yield return s.ToString();
        }

        foreach (ReconnectScheduledEventArgs r in Reconnects)
        {
            yield return r.ToString();
            yield return r.Reason?.ToString() ?? "";
        }

        yield return Client.ToString();
        yield return Client.Options.ToString();
        yield return Authorizer.ToString();
        yield return Authorizer.Options.ToString();
        yield return Server.Options.ToString();
        foreach (TestConnection connection in Server.Connections)
        {
            yield return connection.RequestPath + connection.RequestQuery;
            foreach (string frame in connection.Frames)
            {
                yield return frame;
            }
        }

        foreach (TestAuthRequest request in Server.AuthRequests)
        {
            yield return request.ToString();
            yield return string.Join("&", request.Form.Select(f => $"{f.Key}={f.Value}"));
        }

        lock (Sockets)
        {
            foreach (RecordingSocket socket in Sockets)
            {
                yield return socket.Uri.ToString();
                foreach (string sent in socket.Sent)
                {
                    yield return sent;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The network goes first, so the client's close never waits on a fake clock nobody advances.
        await Proxy.DisposeAsync();
        await Server.DisposeAsync();
        await Client.DisposeAsync();
        Authorizer.Dispose();
    }

    private void Attach(PusherClient client)
    {
        Client = client;
        client.StateChanged += (_, change) =>
        {
            States.Enqueue(change);
            Changed.Pulse();
        };
        client.Error += (_, e) =>
        {
            Errors.Enqueue(e);
            Changed.Pulse();
        };
        client.ReconnectScheduled += (_, r) =>
        {
            Reconnects.Enqueue(r);
            Changed.Pulse();
        };
    }

    private ValueTask<string> ProvideTokenAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _tokenCalls);
        Changed.Pulse();
        return TokenSource(ct);
    }
}
