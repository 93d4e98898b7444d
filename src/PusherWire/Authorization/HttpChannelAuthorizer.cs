using System.Text.Json;
using PusherWire.Internal;

namespace PusherWire.Authorization;

/// <summary>
/// Authorizes channels the way pusher-js's ajax authorizer does: a POST of
/// <c>application/x-www-form-urlencoded</c> <c>socket_id</c> and <c>channel_name</c> (plus <see cref="HttpChannelAuthorizerOptions.Params"/>)
/// answered by <c>{"auth": "...", "channel_data": "..."}</c>.
/// </summary>
public sealed class HttpChannelAuthorizer : IChannelAuthorizer, IDisposable
{
    private readonly HttpChannelAuthorizerOptions _options;

    /// <summary>Creates the authorizer.</summary>
    public HttpChannelAuthorizer(HttpChannelAuthorizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AuthEndpointPost.ValidateEndpoint(options.Endpoint, options.AllowInsecureTransport, nameof(options));
        _options = options;
    }

    /// <summary>The settings in use.</summary>
    public HttpChannelAuthorizerOptions Options => _options;

    /// <inheritdoc />
    public async ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = new AuthEndpointSettings(_options.Endpoint, _options.Headers, _options.HeadersProvider, _options.AuthorizationProvider,
            _options.Timeout, _options.MaxResponseBytes, _options.TimeProvider, _options.HttpClient, _options.AuthorizationRejected);
        byte[] body;
        try
        {
            body = await AuthEndpointPost.SendAsync(settings, BuildForm(request), cancellationToken).ConfigureAwait(false);
        }
        catch (AuthEndpointException e)
        {
            throw new ChannelAuthorizationException(request.ChannelName, e.Failure, e.StatusCode, e.Message, e.InnerException);
        }

        return ParseResponse(body, request.ChannelName);
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
