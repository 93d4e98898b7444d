using System.Text;
using System.Text.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PusherWire.Benchmarks.Baselines;

/// <summary>
/// The usual way to receive a Pusher event in .NET without PusherWire: the message as a string, parsed into a DOM, the
/// <c>data</c> string taken out and parsed a second time, then a handler found by channel and event name in string
/// dictionaries. Each baseline delivers the parsed data DOM to the handler; PusherWire delivers the unescaped data bytes
/// (the typed ChatApp benchmarks add the cost of reading them).
/// </summary>
internal abstract class NaiveClient<TData>
{
    private readonly Dictionary<string, Dictionary<string, Action<TData>>> _handlers = new(StringComparer.Ordinal);

    public void Bind(string channel, string eventName, Action<TData> handler)
    {
        if (!_handlers.TryGetValue(channel, out Dictionary<string, Action<TData>>? events))
        {
            _handlers[channel] = events = new Dictionary<string, Action<TData>>(StringComparer.Ordinal);
        }

        events[eventName] = handler;
    }

    /// <summary>One WebSocket text message, as bytes off the socket.</summary>
    public abstract void Process(byte[] message);

    protected Action<TData>? Find(string? channel, string eventName) =>
        channel is not null && _handlers.TryGetValue(channel, out Dictionary<string, Action<TData>>? events) && events.TryGetValue(eventName, out Action<TData>? handler)
            ? handler
            : null;
}

/// <summary>System.Text.Json, naively: string → JsonDocument → data string → JsonDocument.</summary>
internal sealed class JsonDocumentClient : NaiveClient<JsonElement>
{
    public override void Process(byte[] message)
    {
        string text = Encoding.UTF8.GetString(message);
        using JsonDocument frame = JsonDocument.Parse(text);
        JsonElement root = frame.RootElement;
        string eventName = root.GetProperty("event").GetString()!;
        string? channel = root.TryGetProperty("channel", out JsonElement c) ? c.GetString() : null;
        string data = root.TryGetProperty("data", out JsonElement d) ? (d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetRawText()) : "null";
        if (Find(channel, eventName) is { } handler)
        {
            using JsonDocument payload = JsonDocument.Parse(data);
            handler(payload.RootElement);
        }
    }
}

/// <summary>Newtonsoft, minimal: string → JObject → data string → JToken.</summary>
internal sealed class JObjectClient : NaiveClient<JToken>
{
    public override void Process(byte[] message)
    {
        string text = Encoding.UTF8.GetString(message);
        JObject frame = JObject.Parse(text);
        string eventName = (string)frame["event"]!;
        string? channel = (string?)frame["channel"];
        JToken? data = frame["data"];
        string dataText = data is null ? "null" : data.Type == JTokenType.String ? (string)data! : data.ToString(Formatting.None);
        if (Find(channel, eventName) is { } handler)
        {
            handler(JToken.Parse(dataText));
        }
    }
}

/// <summary>
/// The steps pusher-websocket-dotnet (PusherClient 2.x, <c>Connection.WebsocketMessageReceived</c>) takes per message,
/// re-implemented here: JObject.Parse of the message string, re-serialization with Formatting.None, an anonymous-type
/// deserialization for event/channel/data, a second full deserialization into a Dictionary for the event object, and
/// the data re-read as a string. The handler then parses the data string (JToken.Parse), as its users must.
/// </summary>
internal sealed class PusherDotnetStyleClient : NaiveClient<JToken>
{
    private static readonly Envelope Template = new();

    public override void Process(byte[] message)
    {
        string text = Encoding.UTF8.GetString(message);
        JObject frame = JObject.Parse(text);
        if (frame["data"] is { } data && data.Type != JTokenType.String)
        {
            frame["data"] = data.ToString(Formatting.None);
        }

        string json = frame.ToString(Formatting.None);
        Envelope envelope = JsonConvert.DeserializeAnonymousType(json, Template)!;
        Dictionary<string, object> eventData = JsonConvert.DeserializeObject<Dictionary<string, object>>(json)!;
        if (frame["data"] is { } raw)
        {
            eventData["data"] = raw.ToString();
        }

        if (Find(envelope.Channel, envelope.Event!) is { } handler)
        {
            handler(JToken.Parse((string)eventData["data"]));
        }
    }

    /// <summary>The anonymous template's shape (a named type here, the same fields).</summary>
    private sealed class Envelope
    {
        [JsonProperty("event")]
        public string? Event { get; set; }

        [JsonProperty("data")]
        public string? Data { get; set; }

        [JsonProperty("channel")]
        public string? Channel { get; set; }
    }
}
