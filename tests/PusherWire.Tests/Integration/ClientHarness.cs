using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Tests.Integration;

/// <summary>A PusherTestServer on loopback plus a client wired to it (fake clock, recorded sockets, captured events).</summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    public const string Token = "$2y$10$integration-SENTINEL-token";

    public static readonly string[] SeedChannels =
    [
        "private-v1.licenses.1229.messengers.grWhatsApp",
        "private-v1.licenses.1229.messengers.telegram",
        "private-v1.companies.2224",
        "private-v1.users.685",
    ];

    private ClientHarness(PusherTestServer server, PusherClient client, FakeTimeProvider time, List<RecordingSocket> sockets, HttpChannelAuthorizer authorizer)
    {
        Server = server;
        Client = client;
        Time = time;
        Sockets = sockets;
        Authorizer = authorizer;
        client.StateChanged += (_, change) => States.Enqueue(change.Current);
        client.Error += (_, e) => Errors.Enqueue(e);
        client.ReconnectScheduled += (_, r) =>
        {
            Reconnects.Enqueue(r);
            ReconnectSignal.Release();
        };
    }

    public PusherTestServer Server { get; }

    public PusherClient Client { get; }

    public FakeTimeProvider Time { get; }

    public List<RecordingSocket> Sockets { get; }

    public HttpChannelAuthorizer Authorizer { get; }

    public ConcurrentQueue<ConnectionState> States { get; } = new();

    public ConcurrentQueue<PusherException> Errors { get; } = new();

    public ConcurrentQueue<ReconnectScheduledEventArgs> Reconnects { get; } = new();

    public SemaphoreSlim ReconnectSignal { get; } = new(0);

    public RecordingSocket Socket(int index)
    {
        lock (Sockets)
        {
            return Sockets[index];
        }
    }

    public static async Task<ClientHarness> StartAsync(
        PusherTestServerOptions? serverOptions = null,
        Func<PusherOptions, PusherOptions>? configure = null,
        string token = Token,
        CancellationToken ct = default)
    {
        PusherTestServer server = await PusherTestServer.StartAsync(serverOptions ?? new PusherTestServerOptions { RequiredAuthorization = Token }, ct);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sockets = new List<RecordingSocket>();
        var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(server.AuthEndpoint)
        {
            AllowInsecureTransport = true,
            AuthorizationProvider = _ => ValueTask.FromResult(token),
            // The auth timeout is not under test here: a clock of its own that nobody advances, so a busy machine
            // never turns a slow auth answer into a timeout (every test is bounded by its CancelAfter instead).
            TimeProvider = new FakeTimeProvider(),
        });
        var options = new PusherOptions(server.Options.AppKey)
        {
            Host = server.Host,
            Port = server.Port,
            UseTls = false,
            AllowInsecureTransport = true,
            Authorizer = authorizer,
            TimeProvider = time,
            DefaultSocketDecorator = RecordingSocket.Decorator(sockets, new Signal()),
        };
        var client = new PusherClient(configure is null ? options : configure(options));
        return new ClientHarness(server, client, time, sockets, authorizer);
    }

    /// <summary>Waits for the next scheduled reconnect and advances the fake clock past its delay.</summary>
    public async Task<ReconnectScheduledEventArgs> AdvanceThroughNextReconnectAsync(CancellationToken ct)
    {
        await ReconnectSignal.WaitAsync(ct);
        ReconnectScheduledEventArgs scheduled = Reconnects.Last();
        Time.Advance(scheduled.Delay);
        return scheduled;
    }

    public async ValueTask DisposeAsync()
    {
        // The server goes first (as in the reliability Rig): the client's close handshake then ends with the network,
        // never waiting for a CloseTimeout on a fake clock that nobody advances any more.
        await Server.DisposeAsync();
        await Client.DisposeAsync();
        Authorizer.Dispose();
    }
}
