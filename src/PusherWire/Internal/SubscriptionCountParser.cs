using System.Text.Json;

namespace PusherWire.Internal;

/// <summary>Reads <c>{"subscription_count": n}</c> from <c>pusher_internal:subscription_count</c>.</summary>
internal static class SubscriptionCountParser
{
    public static int? TryParse(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals("subscription_count"u8);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int count))
                {
                    return count;
                }

                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not a count (InvalidOperationException: invalid UTF-8 in an escaped name).
        }

        return null;
    }
}
