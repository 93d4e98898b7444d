// Settings of HttpUserAuthenticator: the same header and token rules as HttpChannelAuthorizerOptions.
using System.Text;

namespace PusherWire.Authorization;

/// <summary>Settings of <see cref="HttpUserAuthenticator"/>, pusher-js's <c>userAuthentication</c> with transport <c>ajax</c>.</summary>
/// <param name="Endpoint">The user auth endpoint, e.g. <c>https://example.com/pusher/user-auth</c>.</param>
public sealed record HttpUserAuthenticatorOptions(Uri Endpoint)
{
    /// <summary>Headers sent with every request. Values are never printed.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Produces extra headers for each request, asked again every time (pusher-js's <c>headersProvider</c>). Values are never printed.</summary>
    public Func<CancellationToken, ValueTask<IReadOnlyDictionary<string, string>>>? HeadersProvider { get; init; }

    /// <summary>Produces the <c>Authorization</c> header value for each request; asked again once after a 401. Never printed or logged.</summary>
    public Func<CancellationToken, ValueTask<string>>? AuthorizationProvider { get; init; }

    /// <summary>Extra form fields sent next to <c>socket_id</c> (pusher-js's <c>params</c>).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>The limit for one request. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest response body accepted. Default 64 KiB.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024;

    /// <summary>Allow an <c>http://</c> endpoint. Off by default: the token would cross the network in clear text.</summary>
    public bool AllowInsecureTransport { get; init; }

    /// <summary>An <see cref="HttpClient"/> to use instead of the shared one (which never follows redirects). The caller owns it.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>The clock for <see cref="Timeout"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Options for a user endpoint with the same credentials as a channel authorizer (headers, providers, params,
    /// timeout, transport rule, HttpClient, clock).
    /// </summary>
    public static HttpUserAuthenticatorOptions From(HttpChannelAuthorizerOptions channelOptions, Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(channelOptions);
        return new HttpUserAuthenticatorOptions(endpoint)
        {
            Headers = channelOptions.Headers,
            HeadersProvider = channelOptions.HeadersProvider,
            AuthorizationProvider = channelOptions.AuthorizationProvider,
            Params = channelOptions.Params,
            Timeout = channelOptions.Timeout,
            MaxResponseBytes = channelOptions.MaxResponseBytes,
            AllowInsecureTransport = channelOptions.AllowInsecureTransport,
            HttpClient = channelOptions.HttpClient,
            TimeProvider = channelOptions.TimeProvider,
        };
    }

    private bool PrintMembers(StringBuilder builder)
    {
        // Header values and the provider's tokens are secrets: print names only.
        builder.Append($"Endpoint = {Endpoint}, Headers = [{string.Join(", ", Headers.Keys)}], ")
               .Append($"HeadersProvider = {(HeadersProvider is null ? "null" : "set")}, ")
               .Append($"AuthorizationProvider = {(AuthorizationProvider is null ? "null" : "set")}, ")
               .Append($"Params = [{string.Join(", ", Params.Keys)}], Timeout = {Timeout}");
        return true;
    }
}
