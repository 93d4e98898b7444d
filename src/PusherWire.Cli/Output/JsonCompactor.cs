// Validates one JSON value and copies it without insignificant whitespace, token by token: no DOM, no strings.
using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace PusherWire.Cli.Output;

/// <summary>
/// Turns event data that is exactly one JSON value into its compact form (the server's newlines and indentation never
/// reach an NDJSON line). Tokens are copied as they are on the wire, escapes included, so the output means the same
/// JSON; anything that is not exactly one valid JSON value (empty, trailing content, comments, invalid UTF-8, deeper
/// than <see cref="MaxDepth"/>) is refused and the caller prints the data as a string instead.
/// </summary>
internal static class JsonCompactor
{
    /// <summary>Deep enough for any real payload; deeper data is printed as a string rather than rejected.</summary>
    public const int MaxDepth = 256;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>Writes the compact form of <paramref name="json"/> to <paramref name="output"/>; false (and nothing
    /// usable written) when it is not exactly one JSON value.</summary>
    public static bool TryCompact(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        if (json.IsEmpty || !Utf8.IsValid(json))
        {
            return false;
        }

        switch (CheckCompact(json))
        {
            case Shape.Compact:
                output.Write(json); // already compact (what servers send): one copy
                return true;
            case Shape.Invalid:
                return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json, Options);
            bool comma = false;
            while (reader.Read())
            {
                JsonTokenType token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    Put(output, token == JsonTokenType.EndObject ? (byte)'}' : (byte)']');
                    comma = true;
                }
                else
                {
                    if (comma)
                    {
                        Put(output, (byte)',');
                    }

                    switch (token)
                    {
                        case JsonTokenType.StartObject:
                            Put(output, (byte)'{');
                            comma = false;
                            break;
                        case JsonTokenType.StartArray:
                            Put(output, (byte)'[');
                            comma = false;
                            break;
                        case JsonTokenType.PropertyName:
                            Quoted(output, reader.ValueSpan);
                            Put(output, (byte)':');
                            comma = false;
                            break;
                        case JsonTokenType.String:
                            Quoted(output, reader.ValueSpan);
                            comma = true;
                            break;
                        default: // numbers, true, false, null: their bytes as written
                            output.Write(reader.ValueSpan);
                            comma = true;
                            break;
                    }
                }

                if (reader.CurrentDepth == 0 && token is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    break; // the root value is complete
                }
            }

            // Exactly one value: a second one ("{} {}") or a truncated one is not JSON data.
            return reader.BytesConsumed > 0 && reader.CurrentDepth == 0 && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private enum Shape
    {
        Compact,
        HasWhitespace,
        Invalid,
    }

    /// <summary>
    /// Validates <paramref name="json"/> as exactly one JSON value in one reader pass that writes nothing, and tells
    /// whether it is already compact: every token starts right after the previous one (or after its one ',' or ':').
    /// </summary>
    private static Shape CheckCompact(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            bool compact = json[0] is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r');
            long end = 0; // just past the previous token
            bool separated = false; // a ',' or ':' is due between the previous token and this one
            while (reader.Read())
            {
                JsonTokenType token = reader.TokenType;
                bool closing = token is JsonTokenType.EndObject or JsonTokenType.EndArray;
                if (compact && reader.TokenStartIndex != end + (separated && !closing ? 1 : 0))
                {
                    compact = false;
                }

                end = token switch
                {
                    JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.EndObject or JsonTokenType.EndArray => reader.TokenStartIndex + 1,
                    JsonTokenType.PropertyName or JsonTokenType.String => reader.TokenStartIndex + reader.ValueSpan.Length + 2,
                    _ => reader.TokenStartIndex + reader.ValueSpan.Length,
                };
                separated = token is not (JsonTokenType.StartObject or JsonTokenType.StartArray);
                if (reader.CurrentDepth == 0 && token is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    break; // the root value is complete
                }
            }

            if (reader.BytesConsumed == 0 || reader.CurrentDepth != 0 || reader.Read())
            {
                return Shape.Invalid; // not exactly one value
            }

            return compact && end == json.Length ? Shape.Compact : Shape.HasWhitespace;
        }
        catch (JsonException)
        {
            return Shape.Invalid;
        }
    }

    private static void Put(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void Quoted(IBufferWriter<byte> output, ReadOnlySpan<byte> raw)
    {
        Span<byte> span = output.GetSpan(raw.Length + 2);
        span[0] = (byte)'"';
        raw.CopyTo(span[1..]);
        span[raw.Length + 1] = (byte)'"';
        output.Advance(raw.Length + 2);
    }
}
