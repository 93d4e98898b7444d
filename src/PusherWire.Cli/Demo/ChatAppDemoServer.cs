using PusherWire.ChatApp;
using PusherWire.Testing;

namespace PusherWire.Cli.Demo;

/// <summary>Settings of the embedded ChatApp-compatible server.</summary>
internal sealed record ChatAppDemoOptions
{
    public string AppKey { get; init; } = "ChatsAppApiProdKey";

    /// <summary>The access token /broadcasting/auth requires (demo value, not a secret).</summary>
    public string Token { get; init; } = "demo-access-token";

    public long License { get; init; } = 1229;

    public IReadOnlyList<string> Messengers { get; init; } = ["grWhatsApp", "telegram"];

    public long Company { get; init; } = 2224;

    public long User { get; init; } = 685;

    /// <summary>Sample events published per second.</summary>
    public double EventsPerSecond { get; init; } = 20;

    public int Port { get; init; }

    /// <summary>The channels a client of this server subscribes to.</summary>
    public IReadOnlyList<string> Channels =>
    [
        .. Messengers.Select(m => ChatAppChannels.LicenseMessenger(License, m)),
        ChatAppChannels.Company(Company),
        ChatAppChannels.User(User),
    ];
}

/// <summary>
/// A ChatApp-compatible server on loopback: PusherTestServer with ChatApp's three channel kinds, an auth endpoint that
/// requires the token and signs only this account's channels, and a publisher that cycles through the documentation's
/// sample events for all 17 event types.
/// </summary>
internal sealed class ChatAppDemoServer : IAsyncDisposable
{
    private ChatAppDemoServer(PusherTestServer server, ChatAppDemoOptions options)
    {
        Server = server;
        Options = options;
    }

    public PusherTestServer Server { get; }

    public ChatAppDemoOptions Options { get; }

    public static async Task<ChatAppDemoServer> StartAsync(ChatAppDemoOptions options, CancellationToken cancellationToken)
    {
        var allowed = new HashSet<string>(options.Channels, StringComparer.Ordinal);
        PusherTestServer server = await PusherTestServer.StartAsync(new PusherTestServerOptions
        {
            AppKey = options.AppKey,
            RequiredAuthorization = options.Token,
            AuthorizeChannel = allowed.Contains,
            Port = options.Port,
        }, cancellationToken).ConfigureAwait(false);
        return new ChatAppDemoServer(server, options);
    }

    /// <summary>
    /// The channel a sample is published on: its kind's channel; for a license-messenger sample the messenger its
    /// <c>meta.messengerType</c> names, or (when that is not one of <see cref="ChatAppDemoOptions.Messengers"/>) the
    /// messengers in turn by <paramref name="index"/>.
    /// </summary>
    public string ChannelFor(ChatAppSamples.Sample sample, int index) => sample.Kind switch
    {
        ChatAppSamples.ChannelKind.Company => ChatAppChannels.Company(Options.Company),
        ChatAppSamples.ChannelKind.User => ChatAppChannels.User(Options.User),
        _ => ChatAppChannels.LicenseMessenger(
            Options.License,
            sample.MessengerType is { } type && Options.Messengers.Contains(type, StringComparer.Ordinal) ? type : Options.Messengers[index % Options.Messengers.Count]),
    };

    /// <summary>Publishes samples in order, round after round, at <see cref="ChatAppDemoOptions.EventsPerSecond"/>.</summary>
    /// <param name="limit">How many events to publish; null for no limit.</param>
    /// <param name="cancellationToken">Stops publishing.</param>
    public async Task PublishAsync(int? limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<ChatAppSamples.Sample> samples = ChatAppSamples.All;
        var interval = TimeSpan.FromSeconds(1 / Math.Max(Options.EventsPerSecond, 0.001));
        using var timer = new PeriodicTimer(interval);
        for (int i = 0; limit is null || i < limit; i++)
        {
            ChatAppSamples.Sample sample = samples[i % samples.Count];
            await Server.PublishAsync(ChannelFor(sample, i), sample.EventName, sample.PayloadJson, cancellationToken).ConfigureAwait(false);
            if (!await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
