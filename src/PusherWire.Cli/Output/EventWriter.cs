using System.Buffers;
using System.Diagnostics;
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
/// <remarks>
/// NDJSON event records are built as UTF-8 bytes (the data compacted by <see cref="JsonCompactor"/>, no DOM, no
/// strings) into a 32 KiB buffer that is written out when the client's receive loop would wait for the network
/// (<see cref="FlushIdle"/>, wired to <see cref="PusherClient.ReceiveIdle"/>), when it is full, or at the latest
/// <see cref="MaxHold"/> after the oldest record in it: an event is never held back while nothing more is coming, and
/// a burst costs one write per 32 KiB instead of one per event. Every other record is written out at once.
/// </remarks>
internal sealed partial class EventWriter : IDisposable
{
    /// <summary>How long a burst may hold an event back at most.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromMilliseconds(50);

    private const int BufferSize = 32 * 1024;
    private const int MaxDataDepth = JsonCompactor.MaxDepth;

    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = Relaxed, MaxDepth = MaxDataDepth + 2, SkipValidation = false };
    private static readonly JsonWriterOptions IndentedOptions = new() { Encoder = Relaxed, Indented = true, MaxDepth = MaxDataDepth + 2 };
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDataDepth };
    private static readonly long MaxHoldTicks = (long)(MaxHold.TotalSeconds * Stopwatch.Frequency);

    private readonly Lock _gate = new();
    private readonly TextWriter _output;
    private readonly Stream? _raw;
    private readonly Listen.OutputFormat _format;
    private readonly ArrayBufferWriter<byte> _record = new(4096);
    private readonly ArrayBufferWriter<byte> _data = new(4096);
    private readonly Utf8JsonWriter _json;
    private byte[] _pending = new byte[BufferSize];
    private int _pendingCount;
    private long _oldestPending;

    /// <param name="output">Where records go (tests pass their own writer).</param>
    /// <param name="format">NDJSON or pretty.</param>
    /// <param name="raw">The process's stdout as a byte stream: when given, NDJSON bytes are written to it directly
    /// instead of being decoded for <paramref name="output"/>.</param>
    public EventWriter(TextWriter output, Listen.OutputFormat format, Stream? raw = null)
    {
        _output = output;
        _format = format;
        _raw = raw;
        _json = new Utf8JsonWriter(_record, CompactOptions);
    }

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
        int? status = (error as ChannelAuthorizationException)?.StatusCode ?? (error as PusherSubscriptionException)?.Status;
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
        if (_format == Listen.OutputFormat.Pretty)
        {
            PrettyEvent(e);
            return;
        }

        lock (_gate)
        {
            _record.ResetWrittenCount();
            _data.ResetWrittenCount();
            try
            {
                _json.Reset(_record);
                _json.WriteStartObject();
                _json.WriteString("kind"u8, "event"u8);
                _json.WriteString("channel"u8, e.Channel);
                _json.WriteString("event"u8, e.EventName);
                _json.WritePropertyName("data"u8);
                if (JsonCompactor.TryCompact(e.Data, _data))
                {
                    _json.WriteRawValue(_data.WrittenSpan, skipInputValidation: true);
                }
                else
                {
                    _json.WriteStringValue(Encoding.UTF8.GetString(e.Data));
                }

                _json.WriteEndObject();
                _json.Flush();
            }
            catch (ArgumentException)
            {
                // A name that is not valid UTF-8 (an escaped lone surrogate): the slow path replaces what cannot be written.
                _json.Reset(_record);
                _record.ResetWrittenCount();
                WriteSlowEvent(e);
            }

            Append(_record.WrittenSpan);
            long now = Stopwatch.GetTimestamp();
            if (_pendingCount >= BufferSize || now - _oldestPending >= MaxHoldTicks)
            {
                WritePending();
            }
        }
    }

    /// <summary>Writes out what is buffered and releases the writer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            WritePending();
            _json.Dispose();
        }
    }

    /// <summary>Writes out the buffered event records; called when the client's receive loop would wait for the network.</summary>
    public void FlushIdle()
    {
        lock (_gate)
        {
            WritePending();
        }
    }

    private void WriteSlowEvent(in PusherEvent e)
    {
        string channel = e.GetChannelName();
        string name = e.GetEventName();
        string text = e.GetDataString();
        using var json = new Utf8JsonWriter(_record, CompactOptions);
        json.WriteStartObject();
        json.WriteString("kind", "event");
        json.WriteString("channel", channel);
        json.WriteString("event", name);
        json.WriteString("data", text);
        json.WriteEndObject();
    }

    private void PrettyEvent(in PusherEvent e)
    {
        string channel = e.GetChannelName();
        string name = e.GetEventName();
        JsonDocument? document = TryParse(e.Data);
        string? text = document is null ? Encoding.UTF8.GetString(e.Data) : null;
        string summary = Summarize(e, document);
        using (document)
        {
            Write(null, () => $"event      {Clean(name)} on {Clean(channel)}{summary}\n{Indent(document, text)}");
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

    private void Write(Action<Utf8JsonWriter>? ndjson, Func<string> pretty)
    {
        lock (_gate)
        {
            if (_format == Listen.OutputFormat.Pretty)
            {
                _output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {pretty()}");
                _output.Flush();
                return;
            }

            _record.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(_record, CompactOptions))
            {
                json.WriteStartObject();
                ndjson!(json);
                json.WriteEndObject();
            }

            // After the events buffered before it, and at once: state changes and errors are rare and wanted promptly.
            Append(_record.WrittenSpan);
            WritePending();
        }
    }

    /// <summary>Adds one record and its newline to the pending bytes.</summary>
    private void Append(ReadOnlySpan<byte> record)
    {
        if (_pendingCount == 0)
        {
            _oldestPending = Stopwatch.GetTimestamp();
        }

        int needed = _pendingCount + record.Length + 1;
        if (needed > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(needed, _pending.Length * 2));
        }

        record.CopyTo(_pending.AsSpan(_pendingCount));
        _pending[_pendingCount + record.Length] = (byte)'\n';
        _pendingCount = needed;
    }

    private void WritePending()
    {
        if (_pendingCount == 0)
        {
            return;
        }

        ReadOnlySpan<byte> bytes = _pending.AsSpan(0, _pendingCount);
        if (_raw is not null)
        {
            _raw.Write(bytes);
            _raw.Flush();
        }
        else
        {
            _output.Write(Encoding.UTF8.GetString(bytes).AsSpan());
            _output.Flush();
        }

        _pendingCount = 0;
        if (_pending.Length > BufferSize)
        {
            _pending = new byte[BufferSize]; // one huge record must not pin a huge buffer
        }
    }

    /// <summary>pusher-js's state names.</summary>
    public static string Name(ConnectionState state) => state.ToString().ToLowerInvariant();
}
