using System.Text;
using PusherWire.Authorization;

namespace PusherWire.ChatApp;

/// <summary>
/// Connection settings for ChatApp's real-time API. Only a token is required; every other value defaults to ChatApp's
/// production endpoint and can be overridden for tests. The token is never printed (<see cref="ToString"/>) nor put in
/// exception messages.
/// </summary>
/// <example><code>
/// await using PusherClient client = ChatAppClientFactory.CreateClient(new ChatAppOptions { Token = accessToken });
/// </code></example>
public sealed record ChatAppOptions
{
    /// <summary>ChatApp's WebSocket host.</summary>
    public const string DefaultHost = "socket.chatapp.online";

    /// <summary>ChatApp's WebSocket port (TLS).</summary>
    public const int DefaultPort = 6001;

    /// <summary>ChatApp's Pusher application key.</summary>
    public const string DefaultKey = "ChatsAppApiProdKey";

    /// <summary>ChatApp's channel authorization endpoint.</summary>
    public const string DefaultAuthEndpoint = "https://api.chatapp.online/broadcasting/auth";

    /// <summary>
    /// The access token from ChatApp's <c>v1.tokens.make</c>, sent as the <c>Authorization</c> header of every channel
    /// authorization. Set exactly one of this, <see cref="TokenProvider"/> and <see cref="TokenManager"/>.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>
    /// Produces the access token; asked on every channel authorization (every subscribe and every reconnect) and once
    /// more after a 401, so refreshed tokens are picked up. Set exactly one of this, <see cref="Token"/> and <see cref="TokenManager"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? TokenProvider { get; init; }

    /// <summary>
    /// Keeps the token pair alive (refresh ahead of expiry and after a 401, make as a fallback, persistence): the
    /// authorizer asks it for the token and tells it which token a 401 refused. Set exactly one of <see cref="Token"/>,
    /// <see cref="TokenProvider"/> and this. The caller owns (and disposes) it.
    /// </summary>
    public ChatAppTokenManager? TokenManager { get; init; }

    /// <summary>The WebSocket host. Default <see cref="DefaultHost"/>.</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary>The WebSocket port. Default <see cref="DefaultPort"/>.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Use <c>wss://</c>. Default true; false also needs <see cref="AllowInsecureTransport"/>.</summary>
    public bool UseTls { get; init; } = true;

    /// <summary>The Pusher application key. Default <see cref="DefaultKey"/>.</summary>
    public string Key { get; init; } = DefaultKey;

    /// <summary>The channel authorization endpoint. Default <see cref="DefaultAuthEndpoint"/>.</summary>
    public Uri AuthEndpoint { get; init; } = new(DefaultAuthEndpoint);

    /// <summary>
    /// Allow plain <c>ws://</c> and an <c>http://</c> auth endpoint, for loopback test servers only: the token would
    /// otherwise cross the network in clear text. Default false.
    /// </summary>
    public bool AllowInsecureTransport { get; init; }

    /// <summary>An <see cref="HttpClient"/> for the auth requests (tests, proxies); the caller owns it. Null uses the authorizer's own, which never follows redirects.</summary>
    public HttpClient? AuthHttpClient { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when the settings are unusable. Messages never contain the token.</summary>
    public void Validate()
    {
        if ((Token is null ? 0 : 1) + (TokenProvider is null ? 0 : 1) + (TokenManager is null ? 0 : 1) != 1)
        {
            throw new ArgumentException("Set exactly one of ChatAppOptions.Token, ChatAppOptions.TokenProvider and ChatAppOptions.TokenManager.", nameof(Token));
        }

        if (Token is not null)
        {
            CheckToken(Token, static message => new ArgumentException(message, nameof(Token)));
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("ChatAppOptions.Host must not be empty.", nameof(Host));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"ChatAppOptions.Port must be 1-65535 (got {Port}).", nameof(Port));
        }

        ArgumentNullException.ThrowIfNull(AuthEndpoint);
        if (!AuthEndpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("ChatAppOptions.AuthEndpoint must be an absolute URI.", nameof(AuthEndpoint));
        }
    }

    /// <summary>Rejects empty tokens and tokens that cannot be a header value, without echoing them.</summary>
    internal static void CheckToken(string token, Func<string, Exception> error)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw error("The ChatApp token is empty.");
        }

        foreach (char c in token)
        {
            if (char.IsControl(c))
            {
                throw error("The ChatApp token contains control characters, so it cannot be sent as a header.");
            }
        }
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Host = {Host}, Port = {Port}, UseTls = {UseTls}, Key = {Key}, AuthEndpoint = {AuthEndpoint}, ")
               .Append($"AllowInsecureTransport = {AllowInsecureTransport}, Token = {(Token is null ? "null" : "***")}, ")
               .Append($"TokenProvider = {(TokenProvider is null ? "null" : "set")}, TokenManager = {(TokenManager is null ? "null" : "set")}");
        return true;
    }
}
