// A Pusher test server, NATS, and any number of PusherClient + NatsBridge pairs subscribed to the same channels.
using NATS.Client.Core;
using NATS.Client.JetStream;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Bridge.Nats.Tests;

/// <summary>Wires the pieces of an end-to-end bridge test and disposes them in the right order.</summary>
internal sealed class BridgeHarness : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<HttpChannelAuthorizer> _authorizers = [];

    private BridgeHarness(NatsServerHarness nats, PusherTestServer pusher, NatsConnection connection)
    {
        Nats = nats;
        Pusher = pusher;
        Connection = connection;
        Js = new NatsJSContext(connection);
    }

    public NatsServerHarness Nats { get; }

    public PusherTestServer Pusher { get; }

    /// <summary>The test's own NATS connection, for reading the stream.</summary>
    public NatsConnection Connection { get; }

    public NatsJSContext Js { get; }

    public static async Task<BridgeHarness> StartAsync(CancellationToken ct)
    {
        NatsServerHarness nats = await NatsServerHarness.StartAsync(ct);
        PusherTestServer pusher = await PusherTestServer.StartAsync(cancellationToken: ct);
        NatsConnection connection = nats.Connect("reader");
        await connection.ConnectAsync();
        return new BridgeHarness(nats, pusher, connection);
    }

    /// <summary>A connected client subscribed to <paramref name="channels"/>, with a started bridge publishing its events.</summary>
    public async Task<Connector> StartConnectorAsync(NatsBridgeOptions options, string[] channels, CancellationToken ct, string name = "bridge")
    {
        NatsConnection connection = Nats.Connect(name);
        _owned.Add(connection);
        var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(Pusher.AuthEndpoint) { AllowInsecureTransport = true });
        _authorizers.Add(authorizer);
        var client = new PusherClient(new PusherOptions(Pusher.Options.AppKey)
        {
            Authorizer = authorizer,
            Host = Pusher.Host,
            Port = Pusher.Port,
            UseTls = false,
            AllowInsecureTransport = true,
            Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
        });
        _owned.Add(client);
        var bridge = new NatsBridge(client, connection, options with { BridgeName = name });
        _owned.Add(bridge);
        var subscribed = channels.Select(client.Subscribe).ToList();
        await bridge.StartAsync(ct);
        // Bound after the bridge's own handler, so when this one has counted an event the bridge has queued it.
        var connector = new Connector(client, bridge);
        _owned.Add(new Unbind(client.BindGlobal(connector.OnEvent)));
        await client.ConnectAsync(ct);
        foreach (PusherChannel channel in subscribed)
        {
            await channel.WaitForSubscriptionAsync(ct);
        }

        connector.ServerSide = Pusher.Connections[^1];
        return connector;
    }

    public async ValueTask DisposeAsync()
    {
        // Bridges first (they drain into NATS), then clients and connections, then the servers.
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _authorizers.ForEach(a => a.Dispose());
        await Connection.DisposeAsync();
        await Pusher.DisposeAsync();
        await Nats.DisposeAsync();
    }

    internal sealed class Connector(PusherClient client, NatsBridge bridge)
    {
        private readonly Signal _received = new();
        private int _count;

        public PusherClient Client { get; } = client;

        public NatsBridge Bridge { get; } = bridge;

        /// <summary>The server's side of the client's first connection.</summary>
        public TestConnection ServerSide { get; set; } = null!;

        /// <summary>Waits until the bridge has queued <paramref name="count"/> application events in all.</summary>
        public Task WaitReceivedAsync(int count, CancellationToken ct) => _received.WaitAsync(() => Volatile.Read(ref _count) >= count, ct);

        internal void OnEvent(in PusherEvent e)
        {
            if (!e.Channel.IsEmpty && !e.EventName.StartsWith("pusher:"u8) && !e.EventName.StartsWith("pusher_internal:"u8))
            {
                Interlocked.Increment(ref _count);
                _received.Pulse();
            }
        }
    }

    private sealed class Unbind(IDisposable binding) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            binding.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
