// The connection, auth and channel flags shared by 'listen' and 'bridge', and their validation into ListenSettings.
using System.CommandLine;
using System.Text.RegularExpressions;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Listen;

/// <summary>
/// listen's flags for where to connect, how to authorize and what to subscribe (everything but output and stop
/// conditions). <c>listen</c> and <c>bridge</c> both add them to their command and read them back with <see cref="Bind"/>.
/// </summary>
internal sealed partial class ListenArguments(Func<string, string?> environment)
{
    public const string TokenEnvironmentVariable = "CHATAPP_TOKEN";

    private readonly Option<string> _key = new("--key") { Description = "Application key", DefaultValueFactory = _ => "ChatsAppApiProdKey" };
    private readonly Option<string> _host = new("--host") { Description = "WebSocket host", DefaultValueFactory = _ => "socket.chatapp.online" };
    private readonly Option<int> _port = new("--port") { Description = "WebSocket port", DefaultValueFactory = _ => 6001 };
    private readonly Option<bool> _noTls = new("--no-tls") { Description = "Use ws:// and allow an http:// auth endpoint (loopback testing only)" };
    private readonly Option<string> _path = new("--path") { Description = "Path prefix before /app/{key}", DefaultValueFactory = _ => "" };
    private readonly Option<string> _authEndpoint = new("--auth-endpoint") { Description = "Channel authorization endpoint", DefaultValueFactory = _ => "https://api.chatapp.online/broadcasting/auth" };
    private readonly Option<string?> _userAuthEndpoint = new("--user-auth-endpoint") { Description = "User authentication endpoint: sign in (pusher-js signin()) with the same token and headers" };
    private readonly Option<string?> _token = new("--token") { Description = $"Access token sent as the Authorization header (default: ${TokenEnvironmentVariable})" };
    private readonly Option<string[]> _header = new("--header") { Description = "Extra auth request header 'Name: value' (repeatable)" };
    private readonly Option<long[]> _license = new("--license") { Description = "License id; pairs with --messenger (repeatable)" };
    private readonly Option<string[]> _messenger = new("--messenger") { Description = "Messenger type for the --license at the same position (repeatable)" };
    private readonly Option<long[]> _company = new("--company") { Description = "Company id (repeatable)" };
    private readonly Option<long[]> _user = new("--user") { Description = "User id (repeatable)" };
    private readonly Option<string[]> _channel = new("--channel") { Description = "Raw channel name (repeatable)" };
    private readonly Option<double?> _activity = new("--activity-timeout") { Description = "Seconds of silence before a ping (default 120, or the server's lower value)" };
    private readonly Option<double?> _pong = new("--pong-timeout") { Description = "Seconds to wait for a pong (default 30)" };

    /// <summary>True when <c>--token</c> itself was given (not the environment variable).</summary>
    public bool TokenGiven(ParseResult result) => result.GetValue(_token) is not null;

    /// <summary>Adds the shared flags to <paramref name="command"/>, in listen's order.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[_key, _host, _port, _noTls, _path, _authEndpoint, _userAuthEndpoint, _token, _header, _license, _messenger, _company, _user, _channel, _activity, _pong])
        {
            command.Add(option);
        }
    }

    /// <summary>Validates the shared flags into settings (output and stop conditions left at their defaults).</summary>
    /// <exception cref="CliArgumentException">A flag is invalid, or no channel was given.</exception>
    public ListenSettings Bind(ParseResult result)
    {
        bool insecure = result.GetValue(_noTls);
        var channels = new List<string>();
        long[] licenses = result.GetValue(_license) ?? [];
        string[] messengers = result.GetValue(_messenger) ?? [];
        if (licenses.Length != messengers.Length)
        {
            throw new CliArgumentException($"--license and --messenger come in pairs (got {licenses.Length} --license and {messengers.Length} --messenger).");
        }

        try
        {
            channels.AddRange(licenses.Zip(messengers, ChatAppChannels.LicenseMessenger));
            channels.AddRange((result.GetValue(_company) ?? []).Select(ChatAppChannels.Company));
            channels.AddRange((result.GetValue(_user) ?? []).Select(ChatAppChannels.User));
        }
        catch (ArgumentException e)
        {
            // "A ChatApp user id must be positive (got -3)." without .NET's " (Parameter 'userId')" suffix.
            int suffix = e.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            throw new CliArgumentException(suffix < 0 ? e.Message : e.Message[..suffix]);
        }

        foreach (string raw in result.GetValue(_channel) ?? [])
        {
            channels.Add(ChannelName().IsMatch(raw)
                ? raw
                : throw new CliArgumentException($"--channel '{raw}' is not a valid channel name (1-164 characters of A-Z a-z 0-9 _ - = @ , . ;)."));
        }

        var settings = new ListenSettings
        {
            Key = result.GetValue(_key)!,
            Host = result.GetValue(_host)!,
            Port = Range(result.GetValue(_port), 1, 65535, "--port"),
            UseTls = !insecure,
            Path = result.GetValue(_path) ?? "",
            AuthEndpoint = ParseEndpoint(result.GetValue(_authEndpoint)!, insecure),
            UserAuthEndpoint = NullIfEmpty(result.GetValue(_userAuthEndpoint)) is { } userAuth ? ParseEndpoint(userAuth, insecure, "--user-auth-endpoint") : null,
            Token = CheckToken(NullIfEmpty(result.GetValue(_token)) ?? NullIfEmpty(environment(TokenEnvironmentVariable))),
            Headers = ParseHeaders(result.GetValue(_header) ?? []),
            Channels = channels.Distinct().ToList(),
            ActivityTimeout = Seconds(result.GetValue(_activity), "--activity-timeout"),
            PongTimeout = Seconds(result.GetValue(_pong), "--pong-timeout"),
        };
        return settings.Channels.Count > 0 || settings.UserAuthEndpoint is not null
            ? settings
            : throw new CliArgumentException("Nothing to listen to: give --license/--messenger, --company, --user, --channel or --user-auth-endpoint.");
    }

    // Pusher's channel-name rule, as PusherClient.Subscribe checks it.
    [GeneratedRegex(@"^[A-Za-z0-9_\-=@,.;]{1,164}$")]
    private static partial Regex ChannelName();

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    // A token with a control character (a pasted newline) would break the header; the message never quotes it.
    private static string? CheckToken(string? token) =>
        token is null || !token.Any(char.IsControl)
            ? token
            : throw new CliArgumentException($"The token (--token or ${TokenEnvironmentVariable}) contains a control character such as a newline.");

    internal static int Range(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw new CliArgumentException($"{name} must be between {min} and {max} (got {value}).");

    internal static TimeSpan? Seconds(double? value, string name) => value switch
    {
        null => null,
        > 0 and <= 86_400 => TimeSpan.FromSeconds(value.Value),
        _ => throw new CliArgumentException($"{name} must be a number of seconds above 0 (got {value})."),
    };

    private static Uri ParseEndpoint(string text, bool insecureAllowed, string name = "--auth-endpoint")
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliArgumentException($"{name} must be an absolute http(s) URL (got '{text}').");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !insecureAllowed)
        {
            throw new CliArgumentException($"{name} uses http://, which would send the token unencrypted; add --no-tls to allow it (loopback testing).");
        }

        return uri;
    }

    // RFC 9110 token characters.
    private static bool IsToken(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    internal static Dictionary<string, string> ParseHeaders(IEnumerable<string> headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string header in headers)
        {
            int colon = header.IndexOf(':', StringComparison.Ordinal);
            string name = colon > 0 ? header[..colon].Trim() : "";
            string value = colon > 0 ? header[(colon + 1)..].Trim() : "";
            if (name.Length == 0 || value.Any(char.IsControl))
            {
                // The value may be a secret: name only the problem, not the text.
                throw new CliArgumentException("--header must look like 'Name: value' (one line).");
            }

            using var probe = new HttpRequestMessage();
            if (!IsToken(name) || !probe.Headers.TryAddWithoutValidation(name, value))
            {
                throw new CliArgumentException($"--header: '{name}' cannot be sent as a request header.");
            }

            result[name] = value;
        }

        return result;
    }
}
