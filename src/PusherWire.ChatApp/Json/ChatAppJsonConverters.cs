using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PusherWire.ChatApp.Json;

/// <summary>
/// A numeric id sent as a JSON number (<c>1229</c>) or a string (<c>"1229"</c>); ChatApp uses both, even for the same
/// field in different events. <c>null</c> and <c>""</c> read as 0. Anything else is a <see cref="JsonException"/>.
/// </summary>
internal sealed class ChatAppIdConverter : JsonConverter<long>
{
    public override bool HandleNull => true;

    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IdReader.Read(ref reader) ?? 0;

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>Like <see cref="ChatAppIdConverter"/>, for optional ids: <c>null</c>, missing and <c>""</c> read as null.</summary>
internal sealed class ChatAppNullableIdConverter : JsonConverter<long?>
{
    public override bool HandleNull => true;

    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => IdReader.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        if (value is { } id)
        {
            writer.WriteNumberValue(id);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// A string id (<c>"70000000000@c.us"</c>, <c>"app_123_1"</c>) that may also arrive as a number; a number is kept as
/// its JSON text. <c>null</c> reads as an empty string.
/// </summary>
internal sealed class ChatAppStringIdConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IdReader.ReadText(ref reader) ?? "";

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>An optional string that may also arrive as a number (phones, tracking ids); <c>null</c> stays null.</summary>
internal sealed class ChatAppFlexibleStringConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IdReader.ReadText(ref reader);

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A converter's own error: its <see cref="Reason"/> is known not to contain input text.</summary>
internal sealed class ChatAppJsonValueException(string reason) : JsonException(reason)
{
    public string Reason { get; } = reason;
}

internal static class IdReader
{
    public static long? Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return reader.TryGetInt64(out long number) ? number : throw new ChatAppJsonValueException("an id is not a whole number in the Int64 range.");
            case JsonTokenType.String:
                // The common case, "1229", is parsed straight from the UTF-8 bytes; escaped or split values are decoded first.
                if (!reader.HasValueSequence && !reader.ValueIsEscaped)
                {
                    ReadOnlySpan<byte> span = reader.ValueSpan;
                    if (span.IsEmpty)
                    {
                        return null;
                    }

                    if (Utf8Parser.TryParse(span, out long parsed, out int consumed) && consumed == span.Length)
                    {
                        return parsed;
                    }

                    throw NotAnId();
                }

                string text = reader.GetString()!;
                return text.Length == 0 ? null
                    : long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long value) ? value
                    : throw NotAnId();
            default:
                throw new ChatAppJsonValueException($"an id must be a number or a string of digits, not {Describe(reader.TokenType)}.");
        }
    }

    public static string? ReadText(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
        _ => throw new ChatAppJsonValueException($"expected a string or a number, not {Describe(reader.TokenType)}."),
    };

    // The value itself is not echoed: it is server data and may be large.
    private static ChatAppJsonValueException NotAnId() => new("an id string does not hold a whole number.");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => token.ToString(),
    };
}
