// A real generic host (AddChatApp + health checks + a worker) wired to an embedded PusherTestServer, with captured logs.
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PusherWire.ChatApp;
using PusherWire.Testing;

namespace PusherWire.Extensions.Hosting.Tests;

internal sealed class HostRig : IAsyncDisposable
{
    public const string Token = "$2y$10$hosting-SENTINEL-token";
    public const string UserChannel = "private-v1.users.685";
    public const string CompanyChannel = "private-v1.companies.2226";

    private readonly Signal _logSignal;

    private HostRig(PusherTestServer server, IHost host, FakeLogCollector logs, Signal logSignal)
    {
        _logSignal = logSignal;
        Server = server;
        Host = host;
        Logs = logs;
        Client = host.Services.GetRequiredService<PusherClient>();
        Client.StateChanged += (_, _) => StateSignal.Pulse();
    }

    public PusherTestServer Server { get; }

    public IHost Host { get; }

    public FakeLogCollector Logs { get; }

    public PusherClient Client { get; }

    public Signal StateSignal { get; } = new();

    public ChannelReader<ChatAppEvent> Events => Host.Services.GetRequiredService<EventSink>().Events.Reader;

    public static async Task<HostRig> StartServerAndBuildAsync(CancellationToken ct, string token = Token, Action<IDictionary<string, string?>>? configure = null)
    {
        PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions { RequiredAuthorization = Token }, ct);
        var settings = new Dictionary<string, string?>
        {
            ["ChatApp:Token"] = token,
            ["ChatApp:Host"] = server.Host,
            ["ChatApp:Port"] = server.Port.ToString(),
            ["ChatApp:UseTls"] = "false",
            ["ChatApp:AllowInsecureTransport"] = "true",
            ["ChatApp:Key"] = server.Options.AppKey,
            ["ChatApp:AuthEndpoint"] = server.AuthEndpoint.ToString(),
            ["ChatApp:Channels:0"] = UserChannel,
            ["ChatApp:Channels:1"] = CompanyChannel,
        };
        configure?.Invoke(settings);

        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var logSignal = new Signal();
        FakeLogCollector logs = FakeLogCollector.Create(new FakeLogCollectorOptions { OutputSink = _ => logSignal.Pulse() });
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddChatApp(builder.Configuration.GetSection("ChatApp"));
        builder.Services.AddHealthChecks().AddPusherWire();
        builder.Services.AddSingleton<EventSink>();
        builder.Services.AddHostedService<TypedEventWorker>();
        return new HostRig(server, builder.Build(), logs, logSignal);
    }

    public async Task<HealthReport> HealthAsync(CancellationToken ct) =>
        await Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);

    /// <summary>Waits until a record with event id <paramref name="eventId"/> has been logged.</summary>
    public Task WaitForLogAsync(int eventId, CancellationToken ct) =>
        _logSignal.WaitAsync(() => Logs.GetSnapshot().Any(l => l.Id.Id == eventId), ct);

    public Task WaitForStateAsync(ConnectionState state, CancellationToken ct) =>
        StateSignal.WaitAsync(() => Client.State == state, ct);

    public async ValueTask DisposeAsync()
    {
        // The container owns the client (IAsyncDisposable only), so it must be disposed asynchronously.
        await ((IAsyncDisposable)Host).DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>Where the worker puts every typed event it reads.</summary>
    internal sealed class EventSink
    {
        public Channel<ChatAppEvent> Events { get; } = Channel.CreateUnbounded<ChatAppEvent>();
    }

    /// <summary>A worker as an application writes it: the client from DI, typed events as an async stream.</summary>
    internal sealed class TypedEventWorker(PusherClient client, EventSink sink) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await foreach (ChatAppEvent e in client.ReadChatAppEventsAsync(stoppingToken))
            {
                await sink.Events.Writer.WriteAsync(e, stoppingToken);
            }
        }
    }
}
