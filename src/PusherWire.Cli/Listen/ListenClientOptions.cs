// Turns validated ListenSettings into the authorizer and PusherOptions a command's client runs with.
using PusherWire.Authorization;

namespace PusherWire.Cli.Listen;

/// <summary>
/// The client set-up <c>bridge</c> uses (the same as <c>listen</c>'s in ListenRunner, which can switch to this once
/// the listen output work in flight has landed).
/// </summary>
internal static class ListenClientOptions
{
    /// <summary>Creates the authorizer (the caller disposes it) and the validated client options.</summary>
    /// <exception cref="CliArgumentException">The options do not validate (the message carries no token).</exception>
    public static (HttpChannelAuthorizer Authorizer, PusherOptions Options) Create(ListenSettings settings)
    {
        HttpChannelAuthorizer? authorizer = null;
        try
        {
            authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(settings.AuthEndpoint)
            {
                Headers = settings.Headers,
                AuthorizationProvider = settings.TokenManager is { } manager ? manager.GetAccessTokenAsync
                    : settings.Token is { } token ? _ => ValueTask.FromResult(token) : null,
                AuthorizationRejected = settings.TokenManager is { } rejected ? rejected.ReportRejectedAsync : null,
                AllowInsecureTransport = !settings.UseTls,
            });
            var options = new PusherOptions(settings.Key)
            {
                Host = settings.Host,
                Port = settings.Port,
                Path = settings.Path,
                UseTls = settings.UseTls,
                AllowInsecureTransport = !settings.UseTls,
                Authorizer = authorizer,
            };
            options = options with
            {
                ActivityTimeout = settings.ActivityTimeout ?? options.ActivityTimeout,
                PongTimeout = settings.PongTimeout ?? options.PongTimeout,
            };
            options.Validate();
            return (authorizer, options);
        }
        catch (ArgumentException e)
        {
            authorizer?.Dispose();
            throw new CliArgumentException(e.Message);
        }
    }
}
