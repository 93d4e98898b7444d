using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PusherWire.Testing;

/// <summary>Builds the server's frames the way Pusher servers write them: <c>data</c> JSON-encoded as a string.</summary>
internal static class PusherFrames
{
    // Like real servers: quotes escaped as \" rather than \u0022, non-ASCII passed through as UTF-8.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Event(string eventName, string? channel, string dataJson) =>
        Write(w =>
        {
            w.WriteString("event"u8, eventName);
            if (channel is not null)
            {
                w.WriteString("channel"u8, channel);
            }

            w.WriteString("data"u8, dataJson);
        });

    public static byte[] Internal(string eventName, string channel, string dataJson) => Event(eventName, channel, dataJson);

    public static byte[] ConnectionEstablished(string socketId, int activityTimeoutSeconds) =>
        Event("pusher:connection_established", null, $$"""{"socket_id":"{{socketId}}","activity_timeout":{{activityTimeoutSeconds}}}""");

    /// <summary><c>pusher:error</c> carries its data as an object (as Pusher sends it), code null when uncoded.</summary>
    public static byte[] Error(int? code, string message) =>
        Write(w =>
        {
            w.WriteString("event"u8, "pusher:error");
            w.WriteStartObject("data"u8);
            if (code is int value)
            {
                w.WriteNumber("code"u8, value);
            }
            else
            {
                w.WriteNull("code"u8);
            }

            w.WriteString("message"u8, message);
            w.WriteEndObject();
        });

    /// <summary>A relayed client event keeps the sender's data as it was (Pusher does not re-encode it) and adds <c>user_id</c> on presence channels.</summary>
    public static byte[] ClientEvent(string eventName, string channel, string rawData, string? userId) =>
        Write(w =>
        {
            w.WriteString("event"u8, eventName);
            w.WriteString("channel"u8, channel);
            w.WritePropertyName("data"u8);
            w.WriteRawValue(rawData, skipInputValidation: true);
            if (userId is not null)
            {
                w.WriteString("user_id"u8, userId);
            }
        });

    public static string MemberJson(PresenceMember member) =>
        $$"""{"user_id":{{JsonSerializer.Serialize(member.UserId, TestingJsonContext.Default.String)}},"user_info":{{member.UserInfoJson ?? "null"}}}""";

    /// <summary>The client's <c>data</c>: an object, or a string holding JSON (both occur in the wild).</summary>
    public static JsonElement DecodeData(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.String)
        {
            return data;
        }

        try
        {
            using JsonDocument inner = JsonDocument.Parse(data.GetString()!);
            return inner.RootElement.Clone();
        }
        catch (JsonException)
        {
            return data;
        }
    }

    public static string? GetString(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static PresenceMember? ParseMember(string? channelData)
    {
        if (channelData is null)
        {
            return new PresenceMember("anonymous");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(channelData);
            JsonElement root = document.RootElement;
            string userId = root.TryGetProperty("user_id", out JsonElement id)
                ? id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText()
                : "anonymous";
            string? info = root.TryGetProperty("user_info", out JsonElement i) && i.ValueKind != JsonValueKind.Null ? i.GetRawText() : null;
            return new PresenceMember(userId, info);
        }
        catch (JsonException)
        {
            return new PresenceMember("anonymous");
        }
    }

    /// <summary><c>{"events":[{"name":...,"user_ids":[...]}]}</c> for <c>pusher_internal:watchlist_events</c>.</summary>
    public static string WatchlistEventsJson(string name, IReadOnlyList<string> userIds) => Encoding.UTF8.GetString(Write(w =>
    {
        w.WriteStartArray("events"u8);
        w.WriteStartObject();
        w.WriteString("name"u8, name);
        w.WriteStartArray("user_ids"u8);
        foreach (string id in userIds)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }));

    /// <summary><c>{"type":...,"error":...,"status":...}</c> for <c>pusher:subscription_error</c>.</summary>
    public static string SubscriptionErrorJson(TestSubscriptionError refusal) => Encoding.UTF8.GetString(Write(w =>
    {
        w.WriteString("type"u8, refusal.Type);
        w.WriteString("error"u8, refusal.Error);
        w.WriteNumber("status"u8, refusal.Status);
    }));

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
