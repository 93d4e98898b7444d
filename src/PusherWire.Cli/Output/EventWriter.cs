using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PusherWire.Authorization;

namespace PusherWire.Cli.Output;

/// <summary>
/// Writes what <c>listen</c> sees, one record per line, in the order things happen. The NDJSON shape is a stable
/// format (docs/cli.md); the pretty one is for people. Thread-safe: client events arrive from several threads.
/// </summary>
internal sealed class EventWriter(TextWriter output, Listen.OutputFormat format)
{
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public void State(ConnectionState from, ConnectionState to, string? socketId) => Write(json =>
    {
        json.WriteString("kind", "state");
        json.WriteString("from", Name(from));
        json.WriteString("to", Name(to));
        if (socketId is not null)
        {
            json.WriteString("socketId", socketId);
        }
    }, () => $"state      {Name(from)} -> {Name(to)}{(socketId is null ? "" : $" (socket {socketId})")}");

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
        }, () => $"refused    {channel}: {error.Message}");
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
        }, () => $"error      {(code is null ? "" : $"{code} ")}{error.Message}");
    }

    public void Event(in PusherEvent e)
    {
        string channel = e.GetChannelName();
        string name = e.GetEventName();
        byte[] data = e.Data.ToArray();
        bool isJson = IsJson(data);
        Write(json =>
        {
            json.WriteString("kind", "event");
            json.WriteString("channel", channel);
            json.WriteString("event", name);
            json.WritePropertyName("data");
            if (isJson)
            {
                json.WriteRawValue(data, skipInputValidation: true);
            }
            else
            {
                json.WriteStringValue(Encoding.UTF8.GetString(data));
            }
        }, () => $"event      {name} on {channel}\n{Indent(data, isJson)}");
    }

    private static bool IsJson(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            reader.Skip();
            return !reader.Read(); // exactly one value
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Indent(byte[] data, bool isJson)
    {
        if (!isJson)
        {
            return "  " + Encoding.UTF8.GetString(data);
        }

        using JsonDocument document = JsonDocument.Parse(data);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Relaxed }))
        {
            document.WriteTo(writer);
        }

        return "  " + Encoding.UTF8.GetString(buffer.WrittenSpan).ReplaceLineEndings("\n  ");
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
                using (var json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = Relaxed }))
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
