// Signs users in through an HTTP endpoint, as pusher-js's ajax user authenticator does.
using System.Text.Json;
using PusherWire.Internal;

namespace PusherWire.Authorization;

/// <summary>
/// Signs users in the way pusher-js's ajax user authenticator does: a POST of <c>application/x-www-form-urlencoded</c>
/// <c>socket_id</c> (plus <see cref="HttpUserAuthenticatorOptions.Params"/>) answered by
/// <c>{"auth": "...", "user_data": "..."}</c>. Failures throw <see cref="PusherSignInException"/>.
/// </summary>
public sealed class HttpUserAuthenticator : IUserAuthenticator
{
    private readonly HttpUserAuthenticatorOptions _options;

    /// <summary>Creates the authenticator.</summary>
    /// <exception cref="ArgumentException">The endpoint is relative, or plain http without <see cref="HttpUserAuthenticatorOptions.AllowInsecureTransport"/>.</exception>
    public HttpUserAuthenticator(HttpUserAuthenticatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AuthEndpointPost.ValidateEndpoint(options.Endpoint, options.AllowInsecureTransport, nameof(options));
        _options = options;
    }

    /// <summary>The settings in use.</summary>
    public HttpUserAuthenticatorOptions Options => _options;

    /// <inheritdoc />
    public async ValueTask<UserAuthentication> AuthenticateAsync(UserAuthenticationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = new AuthEndpointSettings(_options.Endpoint, _options.Headers, _options.HeadersProvider, _options.AuthorizationProvider,
            _options.Timeout, _options.MaxResponseBytes, _options.TimeProvider, _options.HttpClient);
        var form = new List<KeyValuePair<string, string>>(1 + _options.Params.Count) { new("socket_id", request.SocketId) };
        form.AddRange(_options.Params);
        byte[] body;
        try
        {
            body = await AuthEndpointPost.SendAsync(settings, form, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthEndpointException e)
        {
            PusherSignInFailure failure = e.Failure switch
            {
                ChannelAuthorizationFailure.HttpStatus => PusherSignInFailure.HttpStatus,
                ChannelAuthorizationFailure.InvalidResponse => PusherSignInFailure.InvalidResponse,
                ChannelAuthorizationFailure.Timeout => PusherSignInFailure.Timeout,
                ChannelAuthorizationFailure.Network => PusherSignInFailure.Network,
                _ => PusherSignInFailure.Other,
            };
            throw new PusherSignInException(failure, e.StatusCode, e.Message, e.InnerException);
        }

        return ParseResponse(body);
    }

    /// <summary>Parses <c>{"auth": "...", "user_data": "..."}</c> (user_data a JSON string, or an object taken as its JSON).</summary>
    internal static UserAuthentication ParseResponse(ReadOnlySpan<byte> body)
    {
        string? auth = null, userData = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("the user auth response is not a JSON object.");
            }

            if (root.TryGetProperty("auth", out JsonElement a) && a.ValueKind == JsonValueKind.String)
            {
                auth = a.GetString();
            }

            if (root.TryGetProperty("user_data", out JsonElement u))
            {
                userData = u.ValueKind == JsonValueKind.String ? u.GetString() : u.ValueKind == JsonValueKind.Object ? u.GetRawText() : null;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // The parser's message quotes the body, which carries a signature: not kept.
            _ = e;
            throw Invalid("the user auth response is not valid JSON.");
        }

        if (string.IsNullOrEmpty(auth))
        {
            throw Invalid("the user auth response has no 'auth' string.");
        }

        if (string.IsNullOrEmpty(userData))
        {
            throw Invalid("the user auth response has no 'user_data'.");
        }

        return new UserAuthentication(auth, userData);
    }

    private static PusherSignInException Invalid(string message) => new(PusherSignInFailure.InvalidResponse, 200, message);

    /// <inheritdoc />
    public override string ToString() => $"HttpUserAuthenticator {{ {_options} }}";
}
