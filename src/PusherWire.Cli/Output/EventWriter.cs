using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PusherWire.Authorization;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Output;

/// <summary>
/// Writes what <c>listen</c> sees, one record per line, in the order things happen. The NDJSON shape is a stable
/// format (docs/cli.md): exactly one JSON object per line, whatever the server sends. The pretty one is for people.
/// Thread-safe: client events arrive from several threads.
/// </summary>
internal sealed class EventWriter(TextWriter output, Listen.OutputFormat format)
{
    // Deep enough for any real payload; deeper data is printed as a string rather than rejected.
    private const int MaxDataDepth = 256;

    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = Relaxed, MaxDepth = MaxDataDepth + 2 };
    private static readonly JsonWriterOptions IndentedOptions = new() { Encoder = Relaxed, Indented = true, MaxDepth = MaxDataDepth + 2 };
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDataDepth };

    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public void State(ConnectionState from, ConnectionState to, string? socketId) => Write(json =>
    {
        json.WriteString("kind", "state");
        json.WriteString("from", Name(from));
        json.WriteString("to", Name(to));
        if (socketId is not null)
        {
            json.WriteString("socketId", socketId);
        }
    }, () => $"state      {Name(from)} -> {Name(to)}{(socketId is null ? "" : $" (socket {Clean(socketId)})")}");

    public void Subscribed(string channel) => Write(json =>
    {
        json.WriteString("kind", "subscribed");
        json.WriteString("channel", channel);
    }, () => $"subscribed {channel}");

    public void SubscriptionError(string channel, PusherException error)
    {
        int? status = (error as ChannelAuthorizationException)?.StatusCode;
        Write(json =>
        {
            json.WriteString("kind", "subscription_error");
            json.WriteString("channel", channel);
            if (status is { } s)
            {
                json.WriteNumber("status", s);
            }
            else
            {
                json.WriteNull("status");
            }

            json.WriteString("error", error.Message);
        }, () => $"refused    {channel}: {Clean(error.Message)}");
    }

    public void Error(PusherException error)
    {
        int? code = (error as PusherServerErrorException)?.Code;
        Write(json =>
        {
            json.WriteString("kind", "error");
            if (code is { } c)
            {
                json.WriteNumber("code", c);
            }
            else
            {
                json.WriteNull("code");
            }

            json.WriteString("type", error.GetType().Name);
            json.WriteString("message", error.Message);
        }, () => $"error      {(code is null ? "" : $"{code} ")}{Clean(error.Message)}");
    }

    public void Event(in PusherEvent e)
    {
        string channel = e.GetChannelName();
        string name = e.GetEventName();
        JsonDocument? document = TryParse(e.Data);
        string? text = document is null ? Encoding.UTF8.GetString(e.Data) : null;
        string? summary = format == Listen.OutputFormat.Pretty ? Summarize(e, document) : null;
        using (document)
        {
            Write(json =>
            {
                json.WriteString("kind", "event");
                json.WriteString("channel", channel);
                json.WriteString("event", name);
                json.WritePropertyName("data");
                if (document is not null)
                {
                    // Re-written, not copied: the server's formatting (newlines included) never reaches the output.
                    document.RootElement.WriteTo(json);
                }
                else
                {
                    json.WriteStringValue(text);
                }
            }, () => $"event      {Clean(name)} on {Clean(channel)}{summary}\n{Indent(document, text)}");
        }
    }

    /// <summary>The data as a JSON document, or null when it is not exactly one JSON value.</summary>
    private static JsonDocument? TryParse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = MaxDataDepth });
            return JsonDocument.TryParseValue(ref reader, out JsonDocument? document) && !HasTrailingContent(ref reader) ? document : Dispose(document);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool HasTrailingContent(ref Utf8JsonReader reader) => reader.Read();

    private static JsonDocument? Dispose(JsonDocument? document)
    {
        document?.Dispose();
        return null;
    }

    /// <summary>A one-line summary of a ChatApp event from the typed layer, for the pretty format.</summary>
    private static string Summarize(in PusherEvent e, JsonDocument? document)
    {
        if (!ChatAppEventSerializer.IsKnownEvent(e.EventName))
        {
            return "";
        }

        ChatAppEvent typed;
        try
        {
            typed = ChatAppEventSerializer.Deserialize(e.EventName, e.Data);
        }
        catch (ChatAppEventFormatException error)
        {
            return $": not a valid ChatApp event ({Clean(error.Message)})";
        }

        int items = document is not null
            && document.RootElement.TryGetProperty("payload"u8, out JsonElement payload)
            && payload.TryGetProperty("data"u8, out JsonElement data)
            && data.ValueKind == JsonValueKind.Array ? data.GetArrayLength() : 0;
        string what = $": {items} item{(items == 1 ? "" : "s")}";
        if (typed is MessageEvent { Items: [var first, ..] })
        {
            string body = first.Message?.Text is { Length: > 0 } t ? t : first.Message?.Caption ?? "";
            if (body.Length > 60)
            {
                body = string.Concat(body.AsSpan(0, 57), "...");
            }

            what += $", {first.Side} {first.Type} \"{Clean(body)}\"{(first.FromUser?.Name is { } from ? $" from {Clean(from)}" : "")}";
        }

        return what;
    }

    private static string Indent(JsonDocument? document, string? text)
    {
        if (document is null)
        {
            return "  " + Clean(text);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, IndentedOptions))
        {
            document.RootElement.WriteTo(writer);
        }

        return "  " + Encoding.UTF8.GetString(buffer.WrittenSpan).ReplaceLineEndings("\n  ");
    }

    /// <summary>Server-supplied text for a terminal: control characters (escape sequences, newlines) become spaces.</summary>
    private static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        return text.AsSpan().IndexOfAnyInRange('\0', '\x1f') < 0 && !text.Contains('\x7f', StringComparison.Ordinal)
            ? text
            : string.Create(text.Length, text, static (dest, t) =>
            {
                for (int i = 0; i < dest.Length; i++)
                {
                    dest[i] = char.IsControl(t[i]) ? ' ' : t[i];
                }
            });
    }

    private void Write(Action<Utf8JsonWriter> ndjson, Func<string> pretty)
    {
        lock (_gate)
        {
            if (format == Listen.OutputFormat.Pretty)
            {
                output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {pretty()}");
            }
            else
            {
                _buffer.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(_buffer, CompactOptions))
                {
                    json.WriteStartObject();
                    ndjson(json);
                    json.WriteEndObject();
                }

                output.WriteLine(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            }

            output.Flush();
        }
    }

    /// <summary>pusher-js's state names.</summary>
    public static string Name(ConnectionState state) => state.ToString().ToLowerInvariant();
}
