using System.Net.WebSockets;
using System.Text;
using PusherWire.Authorization;
using PusherWire.Encryption;

namespace PusherWire;

/// <summary>
/// Everything a <see cref="PusherClient"/> needs, as an immutable record. Defaults follow pusher-js
/// (<c>src/core/defaults.ts</c>); use <c>with</c> expressions to derive variants.
/// </summary>
/// <param name="Key">The application key, the last segment of <c>/app/{key}</c>.</param>
public sealed record PusherOptions(string Key)
{
    /// <summary>The client name sent in the connection URL (<c>client=</c>).</summary>
    public const string ClientName = "pusherwire-dotnet";

    /// <summary>The protocol version this client speaks.</summary>
    public const int ProtocolVersion = 7;

    private readonly string? _host;

    /// <summary>
    /// The WebSocket host. Default <c>ws-{Cluster}.pusher.com</c>, i.e. <c>ws-mt1.pusher.com</c> without a
    /// <see cref="Cluster"/> (pusher-js's default); a Host set explicitly wins over <see cref="Cluster"/>.
    /// </summary>
    public string Host
    {
        get => _host ?? $"ws-{Cluster ?? "mt1"}.pusher.com";
        init => _host = value;
    }

    /// <summary>The Pusher cluster, e.g. <c>eu</c> or <c>us2</c> (pusher-js's <c>cluster</c>): the host becomes <c>ws-{cluster}.pusher.com</c> unless <see cref="Host"/> is set. Default null (mt1).</summary>
    public string? Cluster { get; init; }

    /// <summary>
    /// The bound on each subscription wait, authorization included: a subscription neither confirmed nor refused by then
    /// fails with a <see cref="PusherSubscriptionException"/> (pusher-js waits forever). Default 30 s.
    /// </summary>
    public TimeSpan SubscriptionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most client events <see cref="PusherChannel.TriggerAsync"/> sends per second (a sliding one-second window);
    /// one more throws <see cref="PusherRateLimitException"/>. Pusher disconnects above 10 per second. Default 10.
    /// </summary>
    public int ClientEventRateLimit { get; init; } = 10;

    /// <summary>The port; null uses 443 with TLS and 80 without (pusher-js's <c>wssPort</c>/<c>wsPort</c>).</summary>
    public int? Port { get; init; }

    /// <summary>A path prefix placed before <c>/app/{key}</c> (pusher-js's <c>wsPath</c>). Default empty.</summary>
    public string Path { get; init; } = "";

    /// <summary>Use <c>wss://</c>. Default true. Plain <c>ws://</c> also needs <see cref="AllowInsecureTransport"/>.</summary>
    public bool UseTls { get; init; } = true;

    /// <summary>
    /// Must be set to allow <c>UseTls = false</c>: an unencrypted socket exposes every event to the network.
    /// Meant for loopback test servers.
    /// </summary>
    public bool AllowInsecureTransport { get; init; }

    /// <summary>
    /// Send a ping after this long without any incoming message. The effective value is the smaller of this and the
    /// server's <c>activity_timeout</c>. Default 120 s.
    /// </summary>
    public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Drop the connection and reconnect when nothing arrives this long after our ping. Default 30 s.</summary>
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Report <see cref="ConnectionState.Unavailable"/> after connecting for this long. Default 10 s.</summary>
    public TimeSpan UnavailableTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The limit for one attempt: TCP, TLS, the upgrade and the wait for <c>connection_established</c>. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The limit for one outgoing frame; a send that takes longer aborts the socket and reconnects. Default 10 s.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="PusherClient.DisconnectAsync"/> waits for the close handshake. Default 3 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The largest incoming WebSocket message accepted, in bytes. A larger one is discarded as it streams in (never
    /// buffered whole), reported as a <see cref="PusherMessageTooLargeException"/>, and the connection stays up.
    /// Default 256 KiB (Pusher caps event data at 10 KB).
    /// </summary>
    public int MaxMessageSize { get; init; } = 256 * 1024;

    /// <summary>How reconnects are paced.</summary>
    public ReconnectPolicy Reconnect { get; init; } = new();

    /// <summary>Authorizes <c>private-</c> and <c>presence-</c> channels. Null makes those subscriptions fail.</summary>
    public IChannelAuthorizer? Authorizer { get; init; }

    /// <summary>
    /// The cipher for <c>private-encrypted-</c> channels, e.g. <c>new SodiumChannelEncryption()</c> from the
    /// <c>PusherWire.Encryption</c> package. Null (default) makes subscribing to an encrypted channel throw, so that
    /// ciphertext never reaches a handler.
    /// </summary>
    public IChannelEncryption? Encryption { get; init; }

    /// <summary>Signs the connection in as a user for <see cref="PusherClient.SignIn"/>. Null makes sign-in fail.</summary>
    public IUserAuthenticator? UserAuthenticator { get; init; }

    /// <summary>The clock for every timer (keepalive, backoff, timeouts). Inject a fake one in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The capacity of each <see cref="PusherClient.ReadAllAsync"/> / <see cref="PusherChannel.ReadAllAsync"/> reader's
    /// queue. Default 10 000 events.
    /// </summary>
    public int ReaderQueueCapacity { get; init; } = 10_000;

    /// <summary>What a full reader queue does. Default <see cref="ReaderOverflowPolicy.DropOldest"/>, so a slow reader never stalls the socket.</summary>
    public ReaderOverflowPolicy ReaderOverflow { get; init; } = ReaderOverflowPolicy.DropOldest;

    /// <summary>
    /// Whether each connection reads its socket on a thread of its own (default true) instead of the thread pool. The
    /// thread waits in the kernel for the next message and parses and routes it as soon as it is woken: no hand-off from
    /// the runtime's socket-polling thread to a pool thread per burst, so lower and steadier latency, less CPU per
    /// event, and events keep flowing when the thread pool is starved by other work. It costs one OS thread per
    /// connection (idle while the socket is); turn it off for hundreds of connections in one process. Only the default
    /// <see cref="ClientWebSocket"/> uses it (not a <see cref="WebSocketFactory"/>). Callbacks run on that thread
    /// (after an await in the receive path went async, e.g. a full <see cref="ReaderOverflowPolicy.Wait"/> reader, the
    /// loop may route what was already read on the pool before its next read brings it back). See docs/performance.md.
    /// </summary>
    public bool DedicatedReceiveThread { get; init; } = true;

    /// <summary>
    /// Creates and connects the WebSocket. Null uses a <see cref="ClientWebSocket"/>. A seam for proxies, custom
    /// headers, client certificates and fault-injection tests.
    /// </summary>
    public Func<Uri, CancellationToken, ValueTask<WebSocket>>? WebSocketFactory { get; init; }

    /// <summary>
    /// Tests only: wraps the default socket once it is connected (to record its traffic) while keeping the default
    /// connect and receive path, including <see cref="DedicatedReceiveThread"/>.
    /// </summary>
    internal Func<Uri, WebSocket, WebSocket>? DefaultSocketDecorator { get; init; }

    /// <summary>
    /// Adds the channel name as a <c>pusher.channel</c> tag to the event metrics (<see cref="PusherDiagnostics"/>).
    /// Off by default (false): every distinct channel becomes a time series, so only turn it on for a small, fixed set.
    /// </summary>
    public bool MetricsIncludeChannelName { get; init; }

    /// <summary>The connection URL, e.g. <c>wss://host:443/app/key?protocol=7&amp;client=pusherwire-dotnet&amp;version=0.1.0&amp;flash=false</c>.</summary>
    public Uri BuildUri() => BuildUri(UseTls);

    internal Uri BuildUri(bool useTls)
    {
        int port = Port ?? (useTls ? 443 : 80);
        string path = Path.TrimEnd('/');
        return new Uri($"{(useTls ? "wss" : "ws")}://{Host}:{port}{path}/app/{Uri.EscapeDataString(Key)}" +
                       $"?protocol={ProtocolVersion}&client={ClientName}&version={LibraryVersion}&flash=false");
    }

    internal static string LibraryVersion { get; } =
        typeof(PusherOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            throw new ArgumentException("PusherOptions.Key must not be empty.", nameof(Key));
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("PusherOptions.Host must not be empty.", nameof(Host));
        }

        if (Cluster is not null && !System.Text.RegularExpressions.Regex.IsMatch(Cluster, "^[a-z0-9-]{1,32}$"))
        {
            throw new ArgumentException("PusherOptions.Cluster must be a cluster name such as 'eu' or 'us2' (a-z, 0-9, -).", nameof(Cluster));
        }

        if (!UseTls && !AllowInsecureTransport)
        {
            throw new ArgumentException("UseTls = false sends every event unencrypted; set AllowInsecureTransport = true to allow it (loopback tests).", nameof(UseTls));
        }

        RequirePositive(ActivityTimeout, nameof(ActivityTimeout));
        RequirePositive(PongTimeout, nameof(PongTimeout));
        RequirePositive(UnavailableTimeout, nameof(UnavailableTimeout));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(SendTimeout, nameof(SendTimeout));
        RequirePositive(CloseTimeout, nameof(CloseTimeout));
        RequirePositive(SubscriptionTimeout, nameof(SubscriptionTimeout));
        if (ClientEventRateLimit < 1)
        {
            throw new ArgumentException("PusherOptions.ClientEventRateLimit must be at least 1.", nameof(ClientEventRateLimit));
        }

        if (MaxMessageSize < 1024)
        {
            throw new ArgumentException("PusherOptions.MaxMessageSize must be at least 1024 bytes.", nameof(MaxMessageSize));
        }

        if (ReaderQueueCapacity < 1)
        {
            throw new ArgumentException("PusherOptions.ReaderQueueCapacity must be at least 1.", nameof(ReaderQueueCapacity));
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PusherOptions.{name} must be positive.", name);
        }
    }

    /// <summary>Prints the settings that matter for diagnostics; the authorizer prints itself (and never a token).</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Key = {Key}, Host = {Host}, Cluster = {Cluster}, Port = {Port}, Path = {Path}, UseTls = {UseTls}, ")
               .Append($"ActivityTimeout = {ActivityTimeout}, PongTimeout = {PongTimeout}, MaxMessageSize = {MaxMessageSize}, ")
               .Append($"Authorizer = {Authorizer}, UserAuthenticator = {UserAuthenticator}, Encryption = {Encryption?.GetType().Name ?? "null"}");
        return true;
    }
}

/// <summary>What a full reader queue does when the reader falls behind.</summary>
public enum ReaderOverflowPolicy
{
    /// <summary>Drop the oldest queued event to make room (counted in <see cref="PusherClient.DroppedEvents"/>).</summary>
    DropOldest,

    /// <summary>Drop the incoming event (counted in <see cref="PusherClient.DroppedEvents"/>).</summary>
    DropNewest,

    /// <summary>Stop reading from the socket until the reader catches up (TCP backpressure). Delays pings and other channels too.</summary>
    Wait,
}
