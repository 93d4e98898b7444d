using System.Text;

namespace PusherWire.Testing;

/// <summary>Settings of a <see cref="PusherTestServer"/>, as an immutable record.</summary>
public sealed record PusherTestServerOptions
{
    /// <summary>The application key clients must connect with (<c>/app/{key}</c>); any other key is refused with 4001.</summary>
    public string AppKey { get; init; } = "test-app-key";

    /// <summary>The application secret that signs and verifies subscriptions (HMAC-SHA256).</summary>
    public string AppSecret { get; init; } = "test-app-secret";

    /// <summary>The <c>activity_timeout</c> (seconds) announced in <c>pusher:connection_established</c>. Default 120.</summary>
    public int ActivityTimeoutSeconds { get; init; } = 120;

    /// <summary>Answer the client's <c>pusher:ping</c> with <c>pusher:pong</c>. Turn off to simulate a dead server. Default true.</summary>
    public bool AutoPong { get; init; } = true;

    /// <summary>Send <c>pusher:connection_established</c> on connect. Turn off to script the handshake by hand. Default true.</summary>
    public bool SendConnectionEstablished { get; init; } = true;

    /// <summary>
    /// The exact <c>Authorization</c> header value the auth endpoint requires (an access token); requests without it get
    /// 401. Null accepts any request. Never printed.
    /// </summary>
    public string? RequiredAuthorization { get; init; }

    /// <summary>
    /// Turns on the token API (make, refresh, check; see <see cref="TestTokenEndpointsOptions"/>) and makes the auth
    /// endpoint accept only issued, unexpired access tokens, in place of <see cref="RequiredAuthorization"/>. Null (the
    /// default) leaves both off.
    /// </summary>
    public TestTokenEndpointsOptions? TokenEndpoints { get; init; }

    /// <summary>Decides which channels the auth endpoint signs; a refused one gets 403. Null signs every channel.</summary>
    public Func<string, bool>? AuthorizeChannel { get; init; }

    /// <summary>
    /// For <c>presence-</c> channels: the member the auth endpoint signs in, from (socket id, channel name). Null uses the
    /// socket id as user id and no user info.
    /// </summary>
    public Func<string, string, PresenceMember>? PresenceMemberFor { get; init; }

    /// <summary>
    /// Replaces the auth endpoint's answer for a request: return a response to send it, or null for the normal answer.
    /// For fault tests (5xx, slow, malformed bodies).
    /// </summary>
    public Func<TestAuthRequest, CancellationToken, ValueTask<TestAuthResponse?>>? AuthInterceptor { get; init; }

    /// <summary>
    /// The <c>user_data</c> JSON the user auth endpoint signs for a socket id (it must hold a string <c>id</c> for the
    /// sign-in to work). Null signs <c>{"id":"{socket id}"}</c>.
    /// </summary>
    public Func<string, string>? UserDataFor { get; init; }

    /// <summary>Answers the subscribe of a channel with a <c>pusher:subscription_error</c> when it returns one. Null refuses nothing.</summary>
    public Func<string, TestSubscriptionError?>? SubscriptionErrorFor { get; init; }

    /// <summary>Channels whose subscribe the server never answers (for subscription timeout tests). Null answers all.</summary>
    public Func<string, bool>? IgnoreSubscription { get; init; }

    /// <summary>Relay <c>client-</c> events to the channel's other subscribers, as Pusher does. Default true.</summary>
    public bool RelayClientEvents { get; init; } = true;

    /// <summary>
    /// The encryption master key (base64 of 32 bytes, as the <c>pusher</c> server SDKs' <c>encryptionMasterKeyBase64</c>).
    /// When set, the auth endpoint adds <c>shared_secret</c> = SHA-256(channel name ‖ master key) for
    /// <c>private-encrypted-</c> channels and <see cref="PusherTestServer.PublishAsync"/> encrypts their events with
    /// <see cref="Encryption"/>. Null (default): no <c>shared_secret</c>, events published as given. Never printed.
    /// </summary>
    public string? EncryptionMasterKeyBase64 { get; init; }

    /// <summary>The cipher that encrypts published events, e.g. <c>new SodiumChannelEncryption()</c> from <c>PusherWire.Encryption</c>.</summary>
    public PusherWire.Encryption.IChannelEncryption? Encryption { get; init; }

    /// <summary>The loopback port to listen on; 0 (default) picks a free one.</summary>
    public int Port { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        // The secret and the required token are credentials: never printed.
        builder.Append($"AppKey = {AppKey}, ActivityTimeoutSeconds = {ActivityTimeoutSeconds}, AutoPong = {AutoPong}, ")
               .Append($"RequiredAuthorization = {(RequiredAuthorization is null ? "null" : "***")}, TokenEndpoints = {(TokenEndpoints is null ? "off" : "on")}, Port = {Port}");
        return true;
    }
}

/// <summary>A presence channel member: the id and the optional user info JSON.</summary>
/// <param name="UserId">The member's user id.</param>
/// <param name="UserInfoJson">The <c>user_info</c> as JSON, or null.</param>
public sealed record PresenceMember(string UserId, string? UserInfoJson = null);

/// <summary>One request to the auth endpoint, as the server saw it.</summary>
/// <param name="SocketId">The <c>socket_id</c> form field.</param>
/// <param name="ChannelName">The <c>channel_name</c> form field.</param>
/// <param name="Authorized">Whether the request carried the required <c>Authorization</c> value.</param>
/// <param name="Form">Every form field (extra params included).</param>
public sealed record TestAuthRequest(string SocketId, string ChannelName, bool Authorized, IReadOnlyDictionary<string, string> Form);

/// <summary>A scripted auth endpoint answer (see <see cref="PusherTestServerOptions.AuthInterceptor"/>).</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The response body.</param>
/// <param name="ContentType">The content type. Default <c>application/json</c>.</param>
public sealed record TestAuthResponse(int StatusCode, string Body, string ContentType = "application/json");
