// A PusherTestServer with a master key plus a client with the libsodium cipher and the HTTP authorizer, on loopback.
using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Encryption.Tests;

internal sealed class EncryptedHarness : IAsyncDisposable
{
    public const string MasterKeyBase64 = "CxIZICcuNTxDSlFYX2ZtdHuCiZCXnqWss7rByM/W3eQ=";

    private EncryptedHarness(PusherTestServer server, PusherClient client, FakeTimeProvider time, HttpChannelAuthorizer authorizer)
    {
        Server = server;
        Client = client;
        Time = time;
        Authorizer = authorizer;
        client.Error += (_, e) =>
        {
            Errors.Enqueue(e);
            ErrorSignal.Release();
        };
        client.ReconnectScheduled += (_, r) =>
        {
            Reconnects.Enqueue(r);
            ReconnectSignal.Release();
        };
    }

    public PusherTestServer Server { get; }

    public PusherClient Client { get; }

    public FakeTimeProvider Time { get; }

    public HttpChannelAuthorizer Authorizer { get; }

    public ConcurrentQueue<PusherException> Errors { get; } = new();

    public SemaphoreSlim ErrorSignal { get; } = new(0);

    public ConcurrentQueue<ReconnectScheduledEventArgs> Reconnects { get; } = new();

    public SemaphoreSlim ReconnectSignal { get; } = new(0);

    public static async Task<EncryptedHarness> StartAsync(CancellationToken ct, Func<PusherTestServerOptions, PusherTestServerOptions>? configure = null)
    {
        var serverOptions = new PusherTestServerOptions { EncryptionMasterKeyBase64 = MasterKeyBase64, Encryption = new SodiumChannelEncryption() };
        PusherTestServer server = await PusherTestServer.StartAsync(configure is null ? serverOptions : configure(serverOptions), ct);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(server.AuthEndpoint) { AllowInsecureTransport = true });
        var client = new PusherClient(new PusherOptions(server.Options.AppKey)
        {
            Host = server.Host,
            Port = server.Port,
            UseTls = false,
            AllowInsecureTransport = true,
            Authorizer = authorizer,
            Encryption = new SodiumChannelEncryption(),
            TimeProvider = time,
        });
        return new EncryptedHarness(server, client, time, authorizer);
    }

    /// <summary>Connects, subscribes <paramref name="channelName"/> and waits until both sides agree it is subscribed.</summary>
    public async Task<(PusherChannel Channel, TestConnection Connection, System.Threading.Channels.Channel<string> Events)> SubscribeAsync(string channelName, CancellationToken ct)
    {
        await Client.ConnectAsync(ct);
        PusherChannel channel = Client.Subscribe(channelName);
        var events = System.Threading.Channels.Channel.CreateUnbounded<string>();
        channel.BindAll((in PusherEvent e) =>
        {
            if (!e.EventName.StartsWith("pusher:"u8))
            {
                events.Writer.TryWrite($"{e.GetEventName()}:{e.GetDataString()}");
            }
        });
        await channel.WaitForSubscriptionAsync(ct);
        TestConnection connection = Server.Connections[^1];
        await connection.WaitForSubscriptionAsync(channelName, ct);
        return (channel, connection, events);
    }

    public async Task<PusherException> NextErrorAsync(CancellationToken ct)
    {
        await ErrorSignal.WaitAsync(ct);
        Errors.TryDequeue(out PusherException? error);
        return error!;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        Authorizer.Dispose();
        await Server.DisposeAsync();
    }
}
