// Reads the presence payloads: channel_data, the subscription_succeeded roster, member_added / member_removed.
using System.Collections.Immutable;
using System.Text.Json;

namespace PusherWire.Internal;

internal static class PresenceParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>The <c>user_id</c> of <c>channel_data</c> (or of a member_added/removed payload); null when absent or not a string/number.</summary>
    public static string? ReadUserId(ReadOnlySpan<byte> json)
    {
        try
        {
            using JsonDocument document = Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("user_id", out JsonElement id) ? IdOf(id) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A member_added payload <c>{"user_id":..,"user_info":..}</c>; null when it carries no usable id.</summary>
    public static PusherMember? ReadMember(ReadOnlySpan<byte> json)
    {
        try
        {
            using JsonDocument document = Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("user_id", out JsonElement idElement) || IdOf(idElement) is not { } id)
            {
                return null;
            }

            return new PusherMember(id, root.TryGetProperty("user_info", out JsonElement info) ? InfoOf(info) : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The roster of <c>{"presence":{"ids":[..],"hash":{id:info},"count":n}}</c>. The hash is authoritative (as in
    /// pusher-js); ids missing from it are added without info. Null when the payload has no presence object.
    /// </summary>
    public static ImmutableSortedDictionary<string, PusherMember>? ReadRoster(ReadOnlySpan<byte> json)
    {
        try
        {
            using JsonDocument document = Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("presence", out JsonElement presence) || presence.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            ImmutableSortedDictionary<string, PusherMember>.Builder roster = ImmutableSortedDictionary.CreateBuilder<string, PusherMember>(StringComparer.Ordinal);
            if (presence.TryGetProperty("hash", out JsonElement hash) && hash.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty entry in hash.EnumerateObject())
                {
                    roster[entry.Name] = new PusherMember(entry.Name, InfoOf(entry.Value));
                }
            }

            if (presence.TryGetProperty("ids", out JsonElement ids) && ids.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement idElement in ids.EnumerateArray())
                {
                    if (IdOf(idElement) is { } id && !roster.ContainsKey(id))
                    {
                        roster[id] = new PusherMember(id, null);
                    }
                }
            }

            return roster.ToImmutable();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json) => JsonDocument.Parse(json.ToArray(), Options);

    // Numeric ids (Laravel sends integers) become their JSON text, as JavaScript object keys do in pusher-js.
    private static string? IdOf(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.String => id.GetString() is { Length: > 0 } s ? s : null,
        JsonValueKind.Number => id.GetRawText(),
        _ => null,
    };

    private static string? InfoOf(JsonElement info) => info.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : info.GetRawText();
}
