// AddChatApp with a registered ChatAppTokenManager: the hosted client outlives its first access token.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PusherWire.ChatApp;
using PusherWire.Testing;

namespace PusherWire.Extensions.Hosting.Tests;

public class TokenManagerHostingTests
{
    [Test, CancelAfter(60_000)]
    public async Task ARegisteredTokenManager_AuthorizesTheChannels_AndRenewsAfterARefusal(CancellationToken ct)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            TokenEndpoints = new TestTokenEndpointsOptions(),
        }, ct);
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChatApp:Token"] = "ignored-when-a-manager-is-registered",
            ["ChatApp:Host"] = server.Host,
            ["ChatApp:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ChatApp:UseTls"] = "false",
            ["ChatApp:AllowInsecureTransport"] = "true",
            ["ChatApp:Key"] = server.Options.AppKey,
            ["ChatApp:AuthEndpoint"] = server.AuthEndpoint.ToString(),
            ["ChatApp:Channels:0"] = HostRig.UserChannel,
        });
        builder.Services.AddSingleton(new ChatAppTokenManager(new ChatAppTokenManagerOptions
        {
            Api = new ChatAppTokenClientOptions { ApiBase = server.ApiBase, AllowInsecureTransport = true },
            Credentials = new ChatAppCredentials("test@example.com", "test-password", "test-app"),
        }));
        builder.Services.AddChatApp(builder.Configuration.GetSection("ChatApp"));
        using IHost host = builder.Build();
        var client = host.Services.GetRequiredService<PusherClient>();

        await host.StartAsync(ct);
        TestConnection first = await server.WaitForConnectionAsync(0, ct);
        await first.WaitForSubscriptionAsync(HostRig.UserChannel, ct);
        Assert.That(server.Tokens!.MakeCount, Is.EqualTo(1), "the manager made the first pair");

        server.Tokens.RevokeAll(); // the server stops accepting the pair, as after an expiry the client did not foresee
        await first.CloseAsync(4200, "reconnect", ct);
        TestConnection second = await server.WaitForConnectionAsync(1, ct);
        await second.WaitForSubscriptionAsync(HostRig.UserChannel, ct);

        Assert.That(server.Tokens.RefusedAuthorizationCount, Is.EqualTo(1), "the old token was refused once");
        Assert.That((server.Tokens.RefreshCount, server.Tokens.MakeCount), Is.EqualTo((1, 2)), "refresh refused (revoked), then make");
        Assert.That(client.State, Is.EqualTo(ConnectionState.Connected));
        await host.StopAsync(ct);
    }
}
