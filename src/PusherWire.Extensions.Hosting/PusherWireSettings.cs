// The configuration shape bound by AddPusherWire and AddChatApp (appsettings.json, environment variables, ...).
namespace PusherWire.Extensions.Hosting;

/// <summary>
/// Settings read from a configuration section (for example <c>"PusherWire": { "Key": "...", "Channels": [ ... ] }</c>).
/// A settable class rather than an immutable record because this is what <c>Microsoft.Extensions.Configuration</c>
/// binds and what <c>configure</c> callbacks change; it is turned into the immutable <see cref="PusherOptions"/> or
/// <see cref="ChatApp.ChatAppOptions"/> once, when the client is created. The token is never printed.
/// </summary>
public sealed class PusherWireSettings
{
    /// <summary>The Pusher application key. Required by <c>AddPusherWire</c>; <c>AddChatApp</c> defaults to ChatApp's.</summary>
    public string? Key { get; set; }

    /// <summary>The WebSocket host. Null keeps the default (pusher's cluster, or ChatApp's host).</summary>
    public string? Host { get; set; }

    /// <summary>The WebSocket port. Null keeps the default.</summary>
    public int? Port { get; set; }

    /// <summary>Use <c>wss://</c>. Null keeps the default (true).</summary>
    public bool? UseTls { get; set; }

    /// <summary>Allow plain <c>ws://</c> and <c>http://</c> (loopback test servers only). Default false.</summary>
    public bool AllowInsecureTransport { get; set; }

    /// <summary>The channel authorization endpoint (absolute URL). Needed for private and presence channels.</summary>
    public Uri? AuthEndpoint { get; set; }

    /// <summary>
    /// The value of the auth request's <c>Authorization</c> header (ChatApp: the access token). Prefer a token provider
    /// or a secret store over plain configuration files; it is never logged or printed.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Channels the hosted service subscribes before connecting.</summary>
    public IList<string> Channels { get; } = [];

    /// <summary>Tag event metrics with channel names (<see cref="PusherOptions.MetricsIncludeChannelName"/>). Default false.</summary>
    public bool MetricsIncludeChannelName { get; set; }

    /// <summary>
    /// Make the host's start wait until the first connection is established (bounded by the host's start-up token).
    /// Default false: the host starts at once and the client connects, and reconnects, in the background.
    /// </summary>
    public bool WaitForConnectionOnStart { get; set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"PusherWireSettings {{ Key = {Key}, Host = {Host}, Port = {Port}, UseTls = {UseTls}, AuthEndpoint = {AuthEndpoint}, " +
        $"Token = {(Token is null ? "null" : "***")}, Channels = {Channels.Count} }}";
}
