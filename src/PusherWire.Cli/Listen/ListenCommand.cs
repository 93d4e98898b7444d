using System.CommandLine;
using System.Text.RegularExpressions;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Listen;

/// <summary><c>pusherwire listen</c>: connect, subscribe, and print what happens.</summary>
internal static partial class ListenCommand
{
    public const string TokenEnvironmentVariable = "CHATAPP_TOKEN";

    public static Command Create(TextWriter stdout, Stream? rawStdout, TextWriter stderr, bool isTerminal, Func<string, string?> environment)
    {
        var key = new Option<string>("--key") { Description = "Application key", DefaultValueFactory = _ => "ChatsAppApiProdKey" };
        var host = new Option<string>("--host") { Description = "WebSocket host", DefaultValueFactory = _ => "socket.chatapp.online" };
        var port = new Option<int>("--port") { Description = "WebSocket port", DefaultValueFactory = _ => 6001 };
        var noTls = new Option<bool>("--no-tls") { Description = "Use ws:// and allow an http:// auth endpoint (loopback testing only)" };
        var path = new Option<string>("--path") { Description = "Path prefix before /app/{key}", DefaultValueFactory = _ => "" };
        var authEndpoint = new Option<string>("--auth-endpoint") { Description = "Channel authorization endpoint", DefaultValueFactory = _ => "https://api.chatapp.online/broadcasting/auth" };
        var token = new Option<string?>("--token") { Description = $"Access token sent as the Authorization header (default: ${TokenEnvironmentVariable})" };
        var header = new Option<string[]>("--header") { Description = "Extra auth request header 'Name: value' (repeatable)" };
        var license = new Option<long[]>("--license") { Description = "License id; pairs with --messenger (repeatable)" };
        var messenger = new Option<string[]>("--messenger") { Description = "Messenger type for the --license at the same position (repeatable)" };
        var company = new Option<long[]>("--company") { Description = "Company id (repeatable)" };
        var user = new Option<long[]>("--user") { Description = "User id (repeatable)" };
        var channel = new Option<string[]>("--channel") { Description = "Raw channel name (repeatable)" };
        var activity = new Option<double?>("--activity-timeout") { Description = "Seconds of silence before a ping (default 120, or the server's lower value)" };
        var pong = new Option<double?>("--pong-timeout") { Description = "Seconds to wait for a pong (default 30)" };
        var format = FormatOption.Create();
        var count = new Option<int?>("--count") { Description = "Exit 0 after N application events" };
        var timeout = new Option<double?>("--timeout") { Description = "Exit 3 after S seconds" };

        var command = new Command("listen", "Connect to a Pusher server (ChatApp by default), subscribe, and print events")
        {
            key, host, port, noTls, path, authEndpoint, token, header, license, messenger, company, user, channel, activity, pong, format, count, timeout,
        };
        command.SetAction(async (result, ct) =>
        {
            bool insecure = result.GetValue(noTls);
            var channels = new List<string>();
            long[] licenses = result.GetValue(license) ?? [];
            string[] messengers = result.GetValue(messenger) ?? [];
            if (licenses.Length != messengers.Length)
            {
                throw new CliArgumentException($"--license and --messenger come in pairs (got {licenses.Length} --license and {messengers.Length} --messenger).");
            }

            try
            {
                channels.AddRange(licenses.Zip(messengers, ChatAppChannels.LicenseMessenger));
                channels.AddRange((result.GetValue(company) ?? []).Select(ChatAppChannels.Company));
                channels.AddRange((result.GetValue(user) ?? []).Select(ChatAppChannels.User));
            }
            catch (ArgumentException e)
            {
                // "A ChatApp user id must be positive (got -3)." without .NET's " (Parameter 'userId')" suffix.
                int suffix = e.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
                throw new CliArgumentException(suffix < 0 ? e.Message : e.Message[..suffix]);
            }

            foreach (string raw in result.GetValue(channel) ?? [])
            {
                channels.Add(ChannelName().IsMatch(raw)
                    ? raw
                    : throw new CliArgumentException($"--channel '{raw}' is not a valid channel name (1-164 characters of A-Z a-z 0-9 _ - = @ , . ;)."));
            }

            var settings = new ListenSettings
            {
                Key = result.GetValue(key)!,
                Host = result.GetValue(host)!,
                Port = Range(result.GetValue(port), 1, 65535, "--port"),
                UseTls = !insecure,
                Path = result.GetValue(path) ?? "",
                AuthEndpoint = ParseEndpoint(result.GetValue(authEndpoint)!, insecure),
                Token = CheckToken(NullIfEmpty(result.GetValue(token)) ?? NullIfEmpty(environment(TokenEnvironmentVariable))),
                Headers = ParseHeaders(result.GetValue(header) ?? []),
                Channels = channels.Distinct().ToList(),
                ActivityTimeout = Seconds(result.GetValue(activity), "--activity-timeout"),
                PongTimeout = Seconds(result.GetValue(pong), "--pong-timeout"),
                Format = FormatOption.Resolve(result.GetValue(format), isTerminal),
                Count = result.GetValue(count) is { } n ? Range(n, 1, int.MaxValue, "--count") : null,
                Timeout = Seconds(result.GetValue(timeout), "--timeout"),
            };
            if (settings.Channels.Count == 0)
            {
                throw new CliArgumentException("Nothing to listen to: give --license/--messenger, --company, --user or --channel.");
            }

            // clig.dev: a missing required input is a usage error with a hint, not a run of 401s ending in "every channel refused".
            if (settings.Token is null && !settings.Headers.Keys.Any(h => h.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                && settings.Channels.Any(c => c.StartsWith("private-", StringComparison.Ordinal) || c.StartsWith("presence-", StringComparison.Ordinal)))
            {
                throw new CliArgumentException($"No access token: private and presence channels (every ChatApp channel) need one. Pass --token <token> or set {TokenEnvironmentVariable}.");
            }

            return await ListenRunner.RunAsync(settings, stdout, rawStdout, stderr, ct).ConfigureAwait(false);
        });
        return command;
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

    private static int Range(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw new CliArgumentException($"{name} must be between {min} and {max} (got {value}).");

    private static TimeSpan? Seconds(double? value, string name) => value switch
    {
        null => null,
        > 0 and <= 86_400 => TimeSpan.FromSeconds(value.Value),
        _ => throw new CliArgumentException($"{name} must be a number of seconds above 0 (got {value})."),
    };

    private static Uri ParseEndpoint(string text, bool insecureAllowed)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliArgumentException($"--auth-endpoint must be an absolute http(s) URL (got '{text}').");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !insecureAllowed)
        {
            throw new CliArgumentException("--auth-endpoint uses http://, which would send the token unencrypted; add --no-tls to allow it (loopback testing).");
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
