using System.Text;

namespace PusherWire.Authorization;

/// <summary>Settings of <see cref="HttpChannelAuthorizer"/>, pusher-js's <c>channelAuthorization</c> with transport <c>ajax</c>.</summary>
/// <param name="Endpoint">The auth endpoint, e.g. <c>https://api.chatapp.online/broadcasting/auth</c>.</param>
public sealed record HttpChannelAuthorizerOptions(Uri Endpoint)
{
    /// <summary>Headers sent with every request. Values are never printed.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Produces extra headers for each request, asked again every time (pusher-js's <c>headersProvider</c>), so rotating
    /// credentials work on long-lived connections. Values are never printed.
    /// </summary>
    public Func<CancellationToken, ValueTask<IReadOnlyDictionary<string, string>>>? HeadersProvider { get; init; }

    /// <summary>
    /// Produces the <c>Authorization</c> header value for each request (a bearer or access token). Asked again on every
    /// request, and once more after a 401 so that a refreshed token gets one retry. Never printed or logged.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AuthorizationProvider { get; init; }

    /// <summary>
    /// Told which <see cref="AuthorizationProvider"/> value an endpoint refused with 401, before the provider is asked
    /// again for the one retry, so a token cache can drop exactly that token (and concurrent refusals of the same token
    /// lead to one refresh). Never printed.
    /// </summary>
    public Func<string, CancellationToken, ValueTask>? AuthorizationRejected { get; init; }

    /// <summary>Extra form fields sent next to <c>socket_id</c> and <c>channel_name</c> (pusher-js's <c>params</c>).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>The limit for one request. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest response body accepted. Default 64 KiB.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024;

    /// <summary>Allow an <c>http://</c> endpoint. Off by default: the token would cross the network in clear text.</summary>
    public bool AllowInsecureTransport { get; init; }

    /// <summary>
    /// An <see cref="HttpClient"/> to use instead of the authorizer's own (which never follows redirects, so a token is
    /// never forwarded to another host). The caller owns it and its redirect policy.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>The clock for <see cref="Timeout"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    private bool PrintMembers(StringBuilder builder)
    {
        // Header values and the provider's tokens are secrets: print names only.
        builder.Append($"Endpoint = {Endpoint}, Headers = [{string.Join(", ", Headers.Keys)}], ")
               .Append($"HeadersProvider = {(HeadersProvider is null ? "null" : "set")}, ")
               .Append($"AuthorizationProvider = {(AuthorizationProvider is null ? "null" : "set")}, ")
               .Append($"AuthorizationRejected = {(AuthorizationRejected is null ? "null" : "set")}, ")
               .Append($"Params = [{string.Join(", ", Params.Keys)}], Timeout = {Timeout}");
        return true;
    }
}
