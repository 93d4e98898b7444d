// The HTTP POST both auth endpoints share (channel authorization and user sign-in): headers, token providers, timeout,
// the 401 retry, the capped body read, and failures mapped without echoing the body.
using System.Net;
using PusherWire.Authorization;

namespace PusherWire.Internal;

/// <summary>What one auth endpoint needs for a POST; built from <see cref="HttpChannelAuthorizerOptions"/> or <see cref="HttpUserAuthenticatorOptions"/>.</summary>
internal readonly record struct AuthEndpointSettings(
    Uri Endpoint,
    IReadOnlyDictionary<string, string> Headers,
    Func<CancellationToken, ValueTask<IReadOnlyDictionary<string, string>>>? HeadersProvider,
    Func<CancellationToken, ValueTask<string>>? AuthorizationProvider,
    TimeSpan Timeout,
    int MaxResponseBytes,
    TimeProvider TimeProvider,
    HttpClient? HttpClient,
    Func<string, CancellationToken, ValueTask>? AuthorizationRejected = null);

/// <summary>A failed POST: the kind, the HTTP status when there was one, and a message that quotes nothing secret.</summary>
internal sealed class AuthEndpointException(ChannelAuthorizationFailure failure, int? statusCode, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ChannelAuthorizationFailure Failure { get; } = failure;

    public int? StatusCode { get; } = statusCode;
}

internal static class AuthEndpointPost
{
    /// <summary>
    /// One client for every auth endpoint that is not given its own, for the life of the process (Microsoft's guidance
    /// for HttpClient): connections are pooled and recycled every few minutes so DNS changes are seen, nothing leaks
    /// however many PusherClients a service creates, and redirects are never followed, so a token can never be replayed
    /// to a redirect target. Every header is set per request, so sharing it shares no credentials.
    /// </summary>
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    })
    { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

    /// <summary>Checks the endpoint's scheme: https, or http with the insecure opt-in.</summary>
    public static void ValidateEndpoint(Uri endpoint, bool allowInsecureTransport, string parameterName)
    {
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The auth endpoint must be an absolute URI.", parameterName);
        }

        if (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && allowInsecureTransport))
        {
            throw new ArgumentException($"The auth endpoint must use https (got {endpoint.Scheme}); set AllowInsecureTransport for a loopback test endpoint.", parameterName);
        }
    }

    /// <summary>POSTs <paramref name="form"/> and returns the 2xx body; a 401 is retried once when a provider can refresh the credentials.</summary>
    /// <exception cref="AuthEndpointException">Any failure but the caller's cancellation.</exception>
    public static async Task<byte[]> SendAsync(AuthEndpointSettings settings, IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        bool canRefresh = settings.AuthorizationProvider is not null || settings.HeadersProvider is not null;
        var sent = new SentAuthorization();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(settings, form, sent, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthEndpointException e) when (e.StatusCode == 401 && canRefresh && attempt == 0)
            {
                // The token may have expired between requests: the providers are asked again on the retry, and a token
                // cache is told first which token was refused so that it refreshes exactly that one.
                if (settings.AuthorizationRejected is { } rejected && sent.Value is { } refused)
                {
                    await rejected(refused, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<byte[]> SendOnceAsync(AuthEndpointSettings settings, IReadOnlyList<KeyValuePair<string, string>> form, SentAuthorization sent, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.Timeout, settings.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, settings.Endpoint)
            {
                Content = new FormUrlEncodedContent(form),
            };
            message.Headers.Accept.ParseAdd("application/json");
            PusherTracing.InjectTraceContext(message); // W3C traceparent of the current span (the 'pusher authorize' span)
            foreach (var (name, value) in settings.Headers)
            {
                AddHeader(message, name, value);
            }

            if (settings.HeadersProvider is { } headersProvider)
            {
                foreach (var (name, value) in await headersProvider(linked.Token).ConfigureAwait(false))
                {
                    AddHeader(message, name, value);
                }
            }

            if (settings.AuthorizationProvider is { } tokenProvider)
            {
                string token = await tokenProvider(linked.Token).ConfigureAwait(false);
                sent.Value = token;
                message.Headers.Remove("Authorization");
                message.Headers.TryAddWithoutValidation("Authorization", token);
            }

            HttpClient http = settings.HttpClient ?? SharedHttp.Value;
            using HttpResponseMessage response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                // The body is not echoed: it may carry signatures or secrets.
                throw new AuthEndpointException(ChannelAuthorizationFailure.HttpStatus, status,
                    $"the auth endpoint answered HTTP {status} ({response.ReasonPhrase}).");
            }

            return await ReadCappedAsync(response, settings.MaxResponseBytes, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AuthEndpointException(ChannelAuthorizationFailure.Timeout, null,
                $"the auth endpoint did not answer within {settings.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException e)
        {
            throw new AuthEndpointException(ChannelAuthorizationFailure.Network, null, $"the auth request failed ({e.HttpRequestError}).", e);
        }
    }

    private static void AddHeader(HttpRequestMessage message, string name, string value)
    {
        message.Headers.Remove(name);
        if (!message.Headers.TryAddWithoutValidation(name, value))
        {
            throw new ArgumentException($"Header '{name}' cannot be set on the auth request.");
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[Math.Min(limit + 1, 4096)];
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        throw TooLarge(limit);
                    }

                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
                }

                int read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, total).ToArray();
                }

                total += read;
            }
        }
    }

    /// <summary>The Authorization value of the last attempt (a class so the async send can set it for the retry loop).</summary>
    private sealed class SentAuthorization
    {
        public string? Value { get; set; }
    }

    private static AuthEndpointException TooLarge(int limit) =>
        new(ChannelAuthorizationFailure.InvalidResponse, 200, $"the auth response is larger than {limit} bytes.");
}
