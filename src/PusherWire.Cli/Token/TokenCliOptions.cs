// The token-lifecycle options shared by `listen` and `token`: --token-file, --email, --app-id, --api-base, CHATAPP_PASSWORD.
using System.CommandLine;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Token;

/// <summary>
/// Options that give the CLI a <see cref="ChatAppTokenManager"/>: the pair in a file (kept up to date), credentials for
/// <c>tokens.make</c> (the password only from <c>CHATAPP_PASSWORD</c>, never an argument) and the token API's base URL.
/// </summary>
internal sealed class TokenCliOptions
{
    public const string PasswordEnvironmentVariable = "CHATAPP_PASSWORD";

    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "JSON file holding the token pair (ChatApp's 'data' shape); created owner-only and updated after every refresh" };

    public Option<string?> Email { get; } = new("--email") { Description = $"Account email for tokens.make (the password comes from ${PasswordEnvironmentVariable})" };

    public Option<string?> AppId { get; } = new("--app-id") { Description = "Application id for tokens.make" };

    public Option<string> ApiBase { get; } = new("--api-base") { Description = "Base URL of ChatApp's token API", DefaultValueFactory = _ => ChatAppTokenClientOptions.DefaultApiBase };

    public IEnumerable<Option> All => [TokenFile, Email, AppId, ApiBase];

    /// <summary>Whether any option that calls for a token manager was given.</summary>
    public bool AnyGiven(ParseResult result) => result.GetValue(TokenFile) is not null || result.GetValue(Email) is not null || result.GetValue(AppId) is not null;

    /// <summary>The credentials, or null when neither --email nor --app-id was given.</summary>
    /// <exception cref="CliArgumentException">Only one of them, or no password in the environment.</exception>
    public ChatAppCredentials? Credentials(ParseResult result, Func<string, string?> environment)
    {
        string? email = NullIfEmpty(result.GetValue(Email));
        string? appId = NullIfEmpty(result.GetValue(AppId));
        if (email is null && appId is null)
        {
            return null;
        }

        if (email is null || appId is null)
        {
            throw new CliArgumentException("--email and --app-id go together (tokens.make needs both, plus the password).");
        }

        string? password = environment(PasswordEnvironmentVariable);
        if (string.IsNullOrEmpty(password))
        {
            throw new CliArgumentException($"--email/--app-id need the password in ${PasswordEnvironmentVariable} (it is never taken as an argument).");
        }

        return new ChatAppCredentials(email, password, appId);
    }

    /// <summary>The token API settings from --api-base.</summary>
    public ChatAppTokenClientOptions Api(ParseResult result, bool insecureAllowed)
    {
        string text = result.GetValue(ApiBase)!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliArgumentException($"--api-base must be an absolute http(s) URL (got '{text}').");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !insecureAllowed)
        {
            throw new CliArgumentException("--api-base uses http://, which would send credentials unencrypted; add --no-tls to allow it (loopback testing).");
        }

        return new ChatAppTokenClientOptions { ApiBase = uri, AllowInsecureTransport = insecureAllowed };
    }

    /// <summary>The file store for --token-file, or null.</summary>
    public ChatAppFileTokenStore? Store(ParseResult result)
    {
        string? path = NullIfEmpty(result.GetValue(TokenFile));
        if (path is null)
        {
            return null;
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        return directory is null || Directory.Exists(directory)
            ? new ChatAppFileTokenStore(path)
            : throw new CliArgumentException($"--token-file: the directory '{directory}' does not exist.");
    }

    /// <summary>A manager from the options, or null when none of them was given.</summary>
    public ChatAppTokenManager? CreateManager(ParseResult result, Func<string, string?> environment, bool insecureAllowed)
    {
        if (!AnyGiven(result))
        {
            return null;
        }

        var options = new ChatAppTokenManagerOptions
        {
            Api = Api(result, insecureAllowed),
            Store = Store(result),
            Credentials = Credentials(result, environment),
        };
        if (options.Store is null && options.Credentials is null)
        {
            throw new CliArgumentException("Give --token-file, or --email and --app-id (with the password in $" + PasswordEnvironmentVariable + ").");
        }

        return new ChatAppTokenManager(options);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
