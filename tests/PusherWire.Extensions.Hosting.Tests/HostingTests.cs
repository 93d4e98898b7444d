// A real host against the embedded server: typed events through DI, logs with their event ids, metrics, health
// transitions, shutdown, and configuration errors.
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PusherWire.ChatApp;
using PusherWire.Testing;

namespace PusherWire.Extensions.Hosting.Tests;

public class HostingTests
{
    private const string EmployeeStatus = """{"payload":{"data":[{"type":"online","employee":{"id":685}}],"meta":{"type":"employeeStatus","companyId":2226}}}""";

    [Test, CancelAfter(60_000)]
    public async Task Host_ConnectsOnStart_SubscribesConfiguredChannels_AndAWorkerGetsTypedEvents(CancellationToken ct)
    {
        await using HostRig rig = await HostRig.StartServerAndBuildAsync(ct);
        long received = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == PusherDiagnostics.MeterName && i.Name == PusherDiagnostics.EventsReceived)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "server.port" && tag.Value is int port && port == rig.Server.Port)
                {
                    Interlocked.Add(ref received, v);
                }
            }
        });
        listener.Start();

        Assert.That((await rig.HealthAsync(ct)).Status, Is.EqualTo(HealthStatus.Unhealthy), "not started");
        await rig.Host.StartAsync(ct);
        await Task.WhenAll(rig.Client.Channels.Select(c => c.WaitForSubscriptionAsync(ct)));
        TestConnection server = await rig.Server.WaitForConnectionAsync(0, ct);
        await server.WaitForSubscriptionAsync(HostRig.CompanyChannel, ct);

        Assert.That((await rig.HealthAsync(ct)).Status, Is.EqualTo(HealthStatus.Healthy));
        await rig.Server.PublishAsync(HostRig.CompanyChannel, "employeeStatus", EmployeeStatus, ct);
        ChatAppEvent e = await rig.Events.ReadAsync(ct);

        var status = (EmployeeStatusEvent)e;
        Assert.That(status.Items[0].Employee?.Id, Is.EqualTo(685));
        Assert.That(status.Channel, Is.EqualTo(HostRig.CompanyChannel));
        Assert.That(Interlocked.Read(ref received), Is.EqualTo(1), "pusherwire.events.received for this server");
        Assert.That(rig.Server.AuthRequestCount, Is.EqualTo(2), "both configured private channels were authorized");

        var logs = rig.Logs.GetSnapshot().Where(l => l.Category == PusherWireLog.Category).ToList();
        Assert.That(logs.Select(l => l.Id.Id), Does.Contain(7).And.Contain(1), "Starting and StateChanged");
        Assert.That(logs.Single(l => l.Id.Id == 7).Message, Does.Contain(rig.Server.Host).And.Contain("2 channel(s)"));
        Assert.That(logs.Where(l => l.Id.Id == 1).Select(l => l.Message), Does.Contain("PusherWire connection Connecting -> Connected"));
        Assert.That(logs.Select(l => l.Message), Has.None.Contain(HostRig.Token));
        Assert.That(rig.Logs.GetSnapshot().Select(l => l.Message), Has.None.Contain(HostRig.Token), "no logger of the host saw the token");
    }

    [Test, CancelAfter(60_000)]
    public async Task Health_IsDegradedWhileReconnecting_AndUnhealthyWhenRefused_WithLogsForEach(CancellationToken ct)
    {
        await using HostRig rig = await HostRig.StartServerAndBuildAsync(ct);
        await rig.Host.StartAsync(ct);
        await rig.WaitForStateAsync(ConnectionState.Connected, ct);
        TestConnection first = await rig.Server.WaitForConnectionAsync(0, ct);

        rig.Server.AcceptConnections = false;
        first.Abort();
        await rig.WaitForStateAsync(ConnectionState.Connecting, ct);
        HealthReport reconnecting = await rig.HealthAsync(ct);
        Assert.That(reconnecting.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(reconnecting.Entries["pusherwire"].Data["state"], Is.EqualTo("Connecting"));
        await rig.WaitForLogAsync(2, ct); // ReconnectScheduled

        rig.Server.AcceptConnections = true;
        await rig.WaitForStateAsync(ConnectionState.Connected, ct);
        TestConnection second = await rig.Server.WaitForConnectionAsync(1, ct);
        await second.CloseAsync(4001, "Application disabled", ct); // pusher-js: 4000-4099 = refused, never retried
        await rig.WaitForStateAsync(ConnectionState.Failed, ct);

        Assert.That((await rig.HealthAsync(ct)).Status, Is.EqualTo(HealthStatus.Unhealthy));
        await rig.WaitForLogAsync(6, ct); // ConnectionFailed
    }

    [Test, CancelAfter(60_000)]
    public async Task RefusedChannel_IsDegraded_AndLoggedAsAuthorizationFailure_WithoutTheToken(CancellationToken ct)
    {
        await using HostRig rig = await HostRig.StartServerAndBuildAsync(ct, token: "wrong-SENTINEL");
        await rig.Host.StartAsync(ct);
        await rig.WaitForStateAsync(ConnectionState.Connected, ct);
        await rig.WaitForLogAsync(5, ct);
        foreach (PusherChannel channel in rig.Client.Channels)
        {
            await Assert.ThrowsAsync<Authorization.ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));
        }

        HealthReport report = await rig.HealthAsync(ct);
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(report.Entries["pusherwire"].Data["failed"], Is.EqualTo(2));
        var failure = rig.Logs.GetSnapshot().First(l => l.Id.Id == 5);
        Assert.That(failure.Message, Does.Contain("HttpStatus").And.Contain("401"));
        Assert.That(rig.Logs.GetSnapshot().Select(l => l.Message + l.Exception), Has.None.Contain("SENTINEL"));
    }

    [Test, CancelAfter(60_000)]
    public async Task StoppingTheHost_Disconnects(CancellationToken ct)
    {
        await using HostRig rig = await HostRig.StartServerAndBuildAsync(ct);
        await rig.Host.StartAsync(ct);
        await rig.WaitForStateAsync(ConnectionState.Connected, ct);
        TestConnection server = await rig.Server.WaitForConnectionAsync(0, ct);

        await rig.Host.StopAsync(ct);

        Assert.That(rig.Client.State, Is.EqualTo(ConnectionState.Disconnected));
        await server.WaitForClosedAsync(ct);
        Assert.That(server.ClientCloseStatus, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure));
    }

    [Test]
    public void MissingToken_FailsAtResolution_WithAHintAndNoSecret()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddChatApp(new PusherWireSettings());
        using IHost host = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<PusherClient>());
        Assert.That(error!.Message, Does.Contain("'Token'").And.Contain("tokenProvider"));
    }

    [Test]
    public void Settings_BindFromConfiguration_AndNeverPrintTheToken()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Key"] = "k", ["Host"] = "h", ["Port"] = "6001", ["Token"] = "SENTINEL", ["Channels:0"] = "a", ["Channels:1"] = "b",
        }).Build();
        var services = new ServiceCollection();
        services.AddPusherWire(config);

        var settings = (PusherWireSettings)services.Single(d => d.ServiceType == typeof(PusherWireSettings)).ImplementationInstance!;
        Assert.That((settings.Key, settings.Host, settings.Port), Is.EqualTo(("k", "h", (int?)6001)));
        Assert.That(settings.Channels, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(settings.ToString(), Does.Not.Contain("SENTINEL"));
    }
}
