// Masked NDJSON status lines for `token` (end times and outcome, never a token or password).
using System.Globalization;
using System.Text;
using System.Text.Json;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Token;

/// <summary>Writes one JSON object per line about the token pair: <c>{"type":"token",...}</c>. Never writes a token value.</summary>
internal static class TokenStatusWriter
{
    public static async Task WriteAsync(TextWriter output, string action, ChatAppTokenPair? pair, string? file, bool? valid = null, string? source = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "token");
            json.WriteString("action", action);
            if (source is not null)
            {
                json.WriteString("source", source);
            }

            if (valid is { } v)
            {
                json.WriteBoolean("valid", v);
            }

            if (pair is not null)
            {
                json.WriteString("accessTokenEndTime", pair.AccessTokenEndTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                json.WriteString("refreshTokenEndTime", pair.RefreshTokenEndTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }

            if (file is not null)
            {
                json.WriteString("file", file);
            }

            json.WriteEndObject();
        }

        await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
    }
}
