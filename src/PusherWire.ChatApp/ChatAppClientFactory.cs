using PusherWire.Authorization;

namespace PusherWire.ChatApp;

/// <summary>Builds a <see cref="PusherClient"/>, its <see cref="PusherOptions"/> and its authorizer for ChatApp.</summary>
public static class ChatAppClientFactory
{
    /// <summary>
    /// The <see cref="PusherOptions"/> for ChatApp, with a new <see cref="HttpChannelAuthorizer"/> as
    /// <see cref="PusherOptions.Authorizer"/>. Adjust further with <c>with</c> (timeouts, <see cref="PusherOptions.TimeProvider"/>, ...).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static PusherOptions CreatePusherOptions(ChatAppOptions options) =>
        CreatePusherOptions(options, CreateAuthorizer(options));

    /// <summary>The <see cref="PusherOptions"/> for ChatApp with a given authorizer.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static PusherOptions CreatePusherOptions(ChatAppOptions options, IChannelAuthorizer authorizer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(authorizer);
        options.Validate();
        return new PusherOptions(options.Key)
        {
            Host = options.Host,
            Port = options.Port,
            UseTls = options.UseTls,
            AllowInsecureTransport = options.AllowInsecureTransport,
            Authorizer = authorizer,
        };
    }

    /// <summary>
    /// The channel authorizer for ChatApp: POSTs to <see cref="ChatAppOptions.AuthEndpoint"/> with the token as the
    /// <c>Authorization</c> header (a <see cref="ChatAppOptions.TokenProvider"/> or <see cref="ChatAppOptions.TokenManager"/>
    /// is asked on every request and once more after a 401; the manager is told which token was refused and renews it).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static HttpChannelAuthorizer CreateAuthorizer(ChatAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var authOptions = new HttpChannelAuthorizerOptions(options.AuthEndpoint)
        {
            AllowInsecureTransport = options.AllowInsecureTransport,
            HttpClient = options.AuthHttpClient,
        };
        if (options.TokenManager is { } manager)
        {
            // A 401 tells the manager which token was refused, so the authorizer's one retry carries a refreshed token.
            authOptions = authOptions with
            {
                AuthorizationProvider = ct => ProvideAsync(manager.GetAccessTokenAsync, ct),
                AuthorizationRejected = manager.ReportRejectedAsync,
            };
        }
        else if (options.TokenProvider is { } provider)
        {
            authOptions = authOptions with { AuthorizationProvider = ct => ProvideAsync(provider, ct) };
        }
        else
        {
            // A fixed token is a plain header: the authorizer prints header names only, and a 401 is not retried with the same token.
            authOptions = authOptions with { Headers = new Dictionary<string, string> { ["Authorization"] = options.Token! } };
        }

        return new HttpChannelAuthorizer(authOptions);
    }

    /// <summary>
    /// A ready-to-connect client for ChatApp. Its authorizer uses the process-wide shared <see cref="HttpClient"/> (or
    /// <see cref="ChatAppOptions.AuthHttpClient"/>), so creating many clients leaks nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static PusherClient CreateClient(ChatAppOptions options) => new(CreatePusherOptions(options));

    private static async ValueTask<string> ProvideAsync(Func<CancellationToken, ValueTask<string>> provider, CancellationToken cancellationToken)
    {
        string token = await provider(cancellationToken).ConfigureAwait(false);
        ChatAppOptions.CheckToken(token, static message => new InvalidOperationException($"The ChatApp token provider failed: {message}"));
        return token;
    }
}
