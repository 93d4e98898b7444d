using System.Net;
using System.Text;
using System.Text.Json;

namespace PusherWire.Authorization;

/// <summary>
/// Authorizes channels the way pusher-js's ajax authorizer does: a POST of
/// <c>application/x-www-form-urlencoded</c> <c>socket_id</c> and <c>channel_name</c> (plus <see cref="HttpChannelAuthorizerOptions.Params"/>)
/// answered by <c>{"auth": "...", "channel_data": "..."}</c>.
/// </summary>
public sealed class HttpChannelAuthorizer : IChannelAuthorizer, IDisposable
{
    /// <summary>
    /// One client for every authorizer that is not given its own, for the life of the process (Microsoft's guidance for
    /// HttpClient): connections are pooled and recycled every few minutes so DNS changes are seen, nothing leaks however
    /// many PusherClients a service creates, and redirects are never followed, so a token can never be replayed to a
    /// redirect target. Every header is set per request, so sharing it shares no credentials.
    /// </summary>
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    })
    { Timeout = Timeout.InfiniteTimeSpan });

    private readonly HttpChannelAuthorizerOptions _options;
    private readonly HttpClient _http;

    /// <summary>Creates the authorizer.</summary>
    public HttpChannelAuthorizer(HttpChannelAuthorizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The auth endpoint must be an absolute URI.", nameof(options));
        }

        if (options.Endpoint.Scheme != Uri.UriSchemeHttps && !(options.Endpoint.Scheme == Uri.UriSchemeHttp && options.AllowInsecureTransport))
        {
            throw new ArgumentException($"The auth endpoint must use https (got {options.Endpoint.Scheme}); set AllowInsecureTransport for a loopback test endpoint.", nameof(options));
        }

        _options = options;
        _http = options.HttpClient ?? SharedHttp.Value;
    }

    /// <summary>The settings in use.</summary>
    public HttpChannelAuthorizerOptions Options => _options;

    /// <inheritdoc />
    public async ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool canRefresh = _options.AuthorizationProvider is not null || _options.HeadersProvider is not null;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelAuthorizationException e) when (e.StatusCode == 401 && canRefresh && attempt == 0)
            {
                // The token may have expired between requests: the providers are asked again on the retry.
            }
        }
    }

    private async Task<ChannelAuthorization> SendOnceAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken)
    {
        string channel = request.ChannelName;
        using var timeout = new CancellationTokenSource(_options.Timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint)
            {
                Content = new FormUrlEncodedContent(BuildForm(request)),
            };
            message.Headers.Accept.ParseAdd("application/json");
            Internal.PusherTracing.InjectTraceContext(message); // W3C traceparent of the 'pusher authorize' span
            foreach (var (name, value) in _options.Headers)
            {
                AddHeader(message, name, value);
            }

            if (_options.HeadersProvider is { } headersProvider)
            {
                foreach (var (name, value) in await headersProvider(linked.Token).ConfigureAwait(false))
                {
                    AddHeader(message, name, value);
                }
            }

            if (_options.AuthorizationProvider is { } tokenProvider)
            {
                string token = await tokenProvider(linked.Token).ConfigureAwait(false);
                message.Headers.Remove("Authorization");
                message.Headers.TryAddWithoutValidation("Authorization", token);
            }

            using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                // The body is not echoed: it may carry signatures or secrets.
                throw new ChannelAuthorizationException(channel, ChannelAuthorizationFailure.HttpStatus, status,
                    $"the auth endpoint answered HTTP {status} ({response.ReasonPhrase}).");
            }

            byte[] body = await ReadCappedAsync(response, channel, linked.Token).ConfigureAwait(false);
            return ParseResponse(body, channel);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ChannelAuthorizationException(channel, ChannelAuthorizationFailure.Timeout, null,
                $"the auth endpoint did not answer within {_options.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException e)
        {
            throw new ChannelAuthorizationException(channel, ChannelAuthorizationFailure.Network, null,
                $"the auth request failed ({e.HttpRequestError}).", e);
        }
    }

    private List<KeyValuePair<string, string>> BuildForm(ChannelAuthorizationRequest request)
    {
        var form = new List<KeyValuePair<string, string>>(2 + _options.Params.Count)
        {
            new("socket_id", request.SocketId),
            new("channel_name", request.ChannelName),
        };
        foreach (var pair in _options.Params)
        {
            form.Add(pair);
        }

        return form;
    }

    private static void AddHeader(HttpRequestMessage message, string name, string value)
    {
        message.Headers.Remove(name);
        if (!message.Headers.TryAddWithoutValidation(name, value))
        {
            throw new ArgumentException($"Header '{name}' cannot be set on the auth request.");
        }
    }

    private async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, string channel, CancellationToken cancellationToken)
    {
        int limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(channel, limit);
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
                        throw TooLarge(channel, limit);
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

    private static ChannelAuthorizationException TooLarge(string channel, int limit) =>
        new(channel, ChannelAuthorizationFailure.InvalidResponse, 200, $"the auth response is larger than {limit} bytes.");

    /// <summary>Parses <c>{"auth": "...", "channel_data": "...", "shared_secret": "..."}</c>; exposed for tests and fuzzing.</summary>
    internal static ChannelAuthorization ParseResponse(ReadOnlySpan<byte> body, string channel)
    {
        string? auth = null, channelData = null, sharedSecret = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid(channel, "the auth response is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? target = reader.ValueTextEquals("auth"u8) ? "auth"
                    : reader.ValueTextEquals("channel_data"u8) ? "channel_data"
                    : reader.ValueTextEquals("shared_secret"u8) ? "shared_secret" : null;
                reader.Read();
                if (target is null || reader.TokenType == JsonTokenType.Null)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Invalid(channel, $"'{target}' in the auth response is not a string.");
                }

                string value = reader.GetString()!;
                switch (target)
                {
                    case "auth": auth = value; break;
                    case "channel_data": channelData = value; break;
                    default: sharedSecret = value; break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: GetString on a string that is not valid UTF-8. The reader's message is not
            // kept (not even as the inner exception): it quotes invalid literals, and this body carries signatures.
            _ = e;
            throw new ChannelAuthorizationException(channel, ChannelAuthorizationFailure.InvalidResponse, 200,
                "the auth response is not valid JSON.");
        }

        if (string.IsNullOrEmpty(auth))
        {
            throw Invalid(channel, "the auth response has no 'auth' field.");
        }

        return new ChannelAuthorization(auth, channelData, sharedSecret);
    }

    private static ChannelAuthorizationException Invalid(string channel, string message) =>
        new(channel, ChannelAuthorizationFailure.InvalidResponse, 200, message);

    /// <inheritdoc />
    public override string ToString() => $"HttpChannelAuthorizer {{ {_options} }}";

    /// <summary>
    /// Nothing to release: the built-in HttpClient is shared process-wide and one passed in the options belongs to the
    /// caller. Kept so existing <c>using</c> declarations stay valid.
    /// </summary>
    public void Dispose()
    {
    }
}
