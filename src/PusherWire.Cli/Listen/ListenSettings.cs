using System.CommandLine;
using System.Text;

namespace PusherWire.Cli.Listen;

/// <summary>Everything <c>pusherwire listen</c> needs, after argument validation.</summary>
internal sealed record ListenSettings
{
    public string Key { get; init; } = "ChatsAppApiProdKey";

    public string Host { get; init; } = "socket.chatapp.online";

    public int Port { get; init; } = 6001;

    public bool UseTls { get; init; } = true;

    public string Path { get; init; } = "";

    public Uri AuthEndpoint { get; init; } = new("https://api.chatapp.online/broadcasting/auth");

    public string? Token { get; init; }

    /// <summary>The user auth endpoint for sign-in (<c>--user-auth-endpoint</c>); null = no sign-in.</summary>
    public Uri? UserAuthEndpoint { get; init; }

    /// <summary>Set by --token-file/--email: renews the token (the caller owns it). Replaces <see cref="Token"/>.</summary>
    public PusherWire.ChatApp.ChatAppTokenManager? TokenManager { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Channels { get; init; } = [];

    public TimeSpan? ActivityTimeout { get; init; }

    public TimeSpan? PongTimeout { get; init; }

    public OutputFormat Format { get; init; } = OutputFormat.Ndjson;

    /// <summary>Exit 0 after this many application events; null = run until Ctrl+C.</summary>
    public int? Count { get; init; }

    /// <summary>Exit 3 when this elapses first.</summary>
    public TimeSpan? Timeout { get; init; }

    // The token and header values are secrets: never printed.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Key = {Key}, Host = {Host}, Port = {Port}, UseTls = {UseTls}, AuthEndpoint = {AuthEndpoint}, ")
               .Append($"Token = {(Token is null ? "none" : "***")}, TokenManager = {(TokenManager is null ? "none" : "set")}, Headers = [{string.Join(", ", Headers.Keys)}], Channels = [{string.Join(", ", Channels)}]");
        return true;
    }
}

/// <summary>The <c>--format</c> option shared by <c>listen</c> and <c>demo</c>.</summary>
internal static class FormatOption
{
    public static Option<string?> Create() =>
        new Option<string?>("--format") { Description = "ndjson or pretty (default: pretty on a terminal, ndjson when redirected)" }
            .AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "ndjson", "pretty");

    public static OutputFormat Resolve(string? value, bool isTerminal) => value?.ToUpperInvariant() switch
    {
        "NDJSON" => OutputFormat.Ndjson,
        "PRETTY" => OutputFormat.Pretty,
        _ => isTerminal ? OutputFormat.Pretty : OutputFormat.Ndjson,
    };
}

/// <summary>How events are written.</summary>
internal enum OutputFormat
{
    /// <summary>One JSON object per line (stable; docs/cli.md).</summary>
    Ndjson,

    /// <summary>Readable lines for a terminal.</summary>
    Pretty,
}
