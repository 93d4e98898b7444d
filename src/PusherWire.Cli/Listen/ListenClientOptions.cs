// Turns validated ListenSettings into the authorizer and PusherOptions a command's client runs with.
using PusherWire.Authorization;
using PusherWire.Encryption;

namespace PusherWire.Cli.Listen;

/// <summary>The client set-up <c>listen</c> and <c>bridge</c> share.</summary>
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
                // private-encrypted- channels are decrypted transparently; libsodium is loaded only when one is asked for.
                Encryption = settings.Channels.Any(c => c.StartsWith("private-encrypted-", StringComparison.Ordinal)) ? new SodiumChannelEncryption() : null,
            };
            options = options with
            {
                // Sign-in uses the channel authorizer's token and headers (pusher-js: userAuthentication beside channelAuthorization).
                UserAuthenticator = settings.UserAuthEndpoint is { } userAuth
                    ? new HttpUserAuthenticator(HttpUserAuthenticatorOptions.From(authorizer.Options, userAuth))
                    : null,
                ActivityTimeout = settings.ActivityTimeout ?? options.ActivityTimeout,
                PongTimeout = settings.PongTimeout ?? options.PongTimeout,
            };
            options.Validate();
            return (authorizer, options);
        }
        catch (PlatformNotSupportedException e)
        {
            // libsodium has no native build for this runtime: encrypted channels cannot be listened to here.
            authorizer?.Dispose();
            throw new CliArgumentException(e.Message);
        }
        catch (ArgumentException e)
        {
            // PusherOptions/authorizer validation (key, host, path...): the messages carry no token.
            authorizer?.Dispose();
            throw new CliArgumentException(e.Message);
        }
    }
}
