// Reads and writes the token API's JSON (answers, the pair in "data", the make body) without reflection.
using System.Globalization;
using System.Text.Json;

namespace PusherWire.ChatApp;

/// <summary>
/// The JSON of ChatApp's token API: <c>{"success":true,"data":{"accessToken","accessTokenEndTime","refreshToken",
/// "refreshTokenEndTime"}}</c> and <c>{"success":false,"error":{"code","message"}}</c>. Reader errors are never kept:
/// System.Text.Json messages can quote the offending text, and these bodies carry tokens.
/// </summary>
internal static class ChatAppTokenJson
{
    private static readonly JsonDocumentOptions Limits = new() { MaxDepth = 16 };

    /// <summary>Turns an HTTP answer into success, refusal, or a thrown <see cref="ChatAppTokenException"/>.</summary>
    public static ChatAppTokenClient.Answer Classify(string call, int status, ReadOnlySpan<byte> body)
    {
        bool ok = status is >= 200 and <= 299;
        bool refusal = status is 400 or 401 or 403 or 422;
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), Limits);
        }
        catch (JsonException)
        {
            document = null;
        }

        using (document)
        {
            JsonElement root = document?.RootElement ?? default;
            bool isObject = root.ValueKind == JsonValueKind.Object;
            bool? success = isObject && root.TryGetProperty("success", out JsonElement s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? s.ValueKind == JsonValueKind.True
                : null;
            string? code = isObject && root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String
                ? c.GetString()
                : null;

            if (ok && success != false)
            {
                if (!isObject)
                {
                    throw new ChatAppTokenException(ChatAppTokenFailure.InvalidResponse, $"{call}: the answer is not a JSON object (HTTP {status}).", status);
                }

                JsonElement data = root.TryGetProperty("data", out JsonElement d) ? d.Clone() : default;
                return new ChatAppTokenClient.Answer(false, status, null, data);
            }

            if (refusal || (ok && success == false) || (success == false && status is >= 400 and < 500 and not 408 and not 429))
            {
                return new ChatAppTokenClient.Answer(true, status, code, default);
            }

            string detail = code is null ? "" : $", {LogSanitizer.Clean(code)}";
            throw new ChatAppTokenException(ChatAppTokenFailure.HttpStatus, $"{call} answered HTTP {status}{detail}.", status, code);
        }
    }

    /// <summary>Reads the pair from a <c>data</c> object (an answer's, or a token file's).</summary>
    /// <param name="data">The object holding the four fields.</param>
    /// <param name="source">Names the origin in messages ("the tokens.make answer", "the token file").</param>
    /// <param name="failure">The failure kind for a malformed pair.</param>
    public static ChatAppTokenPair ReadPair(JsonElement data, string source, ChatAppTokenFailure failure = ChatAppTokenFailure.InvalidResponse)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, "has no 'data' object", failure);
        }

        string access = String(data, "accessToken", source, failure);
        string refresh = String(data, "refreshToken", source, failure);
        return new ChatAppTokenPair(access, Time(data, "accessTokenEndTime", source, failure), refresh, Time(data, "refreshTokenEndTime", source, failure));
    }

    /// <summary>Reads a pair from a whole document: a bare <c>data</c> object, or a full answer holding one.</summary>
    public static ChatAppTokenPair ReadPairDocument(ReadOnlySpan<byte> json, string source, ChatAppTokenFailure failure)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), Limits);
        }
        catch (JsonException)
        {
            throw Invalid(source, "is not valid JSON", failure);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out JsonElement data)
                ? ReadPair(data, source, failure)
                : ReadPair(root, source, failure);
        }
    }

    /// <summary>The pair as ChatApp returns it in <c>data</c> (end times as unix seconds), indented for a file.</summary>
    public static byte[] WritePair(ChatAppTokenPair pair)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("accessToken", pair.AccessToken);
            writer.WriteNumber("accessTokenEndTime", pair.AccessTokenEndTime.ToUnixTimeSeconds());
            writer.WriteString("refreshToken", pair.RefreshToken);
            writer.WriteNumber("refreshTokenEndTime", pair.RefreshTokenEndTime.ToUnixTimeSeconds());
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The <c>tokens.make</c> body: <c>{"email","password","appId"}</c>.</summary>
    public static byte[] WriteCredentials(ChatAppCredentials credentials)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("email", credentials.Email);
            writer.WriteString("password", credentials.Password);
            writer.WriteString("appId", credentials.AppId);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string String(JsonElement data, string name, string source, ChatAppTokenFailure failure)
    {
        if (!data.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw Invalid(source, $"has no '{name}' string", failure);
        }

        string text = value.GetString()!;
        ChatAppOptions.CheckToken(text, _ => Invalid(source, $"has a '{name}' that cannot be sent as a header", failure));
        return text;
    }

    // Unix seconds, as a number or a numeric string (both seen in ChatApp integrations).
    private static DateTimeOffset Time(JsonElement data, string name, string source, ChatAppTokenFailure failure)
    {
        if (data.TryGetProperty(name, out JsonElement value))
        {
            long seconds = 0;
            bool read = value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetInt64(out seconds),
                JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds),
                _ => false,
            };
            if (read && seconds is > 0 and < 253_402_300_800)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        throw Invalid(source, $"has no '{name}' unix timestamp", failure);
    }

    private static ChatAppTokenException Invalid(string source, string problem, ChatAppTokenFailure failure) =>
        new(failure, $"{char.ToUpperInvariant(source[0])}{source[1..]} {problem}.");
}
