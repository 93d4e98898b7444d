using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PusherWire.ChatApp.Json;

namespace PusherWire.ChatApp;

/// <summary>
/// Turns ChatApp event data into typed events with source-generated System.Text.Json metadata, straight from the UTF-8
/// bytes (no intermediate string, no reflection; trim- and AOT-safe). Usable without a client, e.g. on stored payloads.
/// </summary>
public static class ChatAppEventSerializer
{
    /// <summary>The 17 event names ChatApp documents, in the documentation's order.</summary>
    public static IReadOnlyList<string> EventNames { get; } = Array.ConvertAll(ChatAppEventCatalog.All, d => d.Name);

    /// <summary>True when <paramref name="eventName"/> (UTF-8) is one of <see cref="EventNames"/>.</summary>
    public static bool IsKnownEvent(ReadOnlySpan<byte> eventName) => ChatAppEventCatalog.Find(eventName) is not null;

    /// <summary>True when <paramref name="eventName"/> is one of <see cref="EventNames"/>.</summary>
    public static bool IsKnownEvent(string eventName) => ChatAppEventCatalog.Find(eventName) is not null;

    /// <summary>The channel kind an event is published on, or null for an unknown event name.</summary>
    public static ChatAppChannelKind? GetChannelKind(string eventName) => ChatAppEventCatalog.Find(eventName)?.Kind;

    /// <summary>Deserializes one event. <see cref="ChatAppEvent.Channel"/> is empty.</summary>
    /// <param name="eventName">The Pusher event name in UTF-8.</param>
    /// <param name="data">The event data: UTF-8 JSON (<see cref="PusherEvent.Data"/>).</param>
    /// <returns>The typed event; an <see cref="UnknownChatAppEvent"/> (with a copy of the data) for an unknown name.</returns>
    /// <exception cref="ChatAppEventFormatException">The data of a known event is malformed.</exception>
    public static ChatAppEvent Deserialize(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => Deserialize(eventName, data, "");

    /// <summary>Deserializes one event that arrived on <paramref name="channel"/>.</summary>
    /// <inheritdoc cref="Deserialize(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    public static ChatAppEvent Deserialize(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return ChatAppEventCatalog.Find(eventName) is { } descriptor
            ? descriptor.Parse(data, channel)
            : new UnknownChatAppEvent(Encoding.UTF8.GetString(eventName), channel, data.ToArray());
    }

    /// <summary>Deserializes a received event view, inside a <see cref="PusherEventCallback"/>.</summary>
    /// <inheritdoc cref="Deserialize(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    public static ChatAppEvent Deserialize(in PusherEvent e) => Deserialize(e.EventName, e.Data, e.GetChannelName());

    /// <summary>Deserializes an owned message (from <c>ReadAllAsync</c>). An unknown event keeps <paramref name="message"/>'s data without copying.</summary>
    /// <inheritdoc cref="Deserialize(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    public static ChatAppEvent Deserialize(PusherMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ChatAppEventCatalog.Find(message.EventName) is { } descriptor
            ? descriptor.Parse(message.Data.Span, message.Channel)
            : new UnknownChatAppEvent(message.EventName, message.Channel, message.Data);
    }

    /// <summary>Deserializes data known to be a <typeparamref name="TEvent"/> (e.g. <see cref="MessageEvent"/>).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TEvent"/> is not one of the 17 sealed event types.</exception>
    /// <exception cref="ChatAppEventFormatException">The data is malformed.</exception>
    public static TEvent Deserialize<TEvent>(ReadOnlySpan<byte> data, string channel = "")
        where TEvent : ChatAppEvent
    {
        ArgumentNullException.ThrowIfNull(channel);
        ChatAppEventDescriptor descriptor = ChatAppEventCatalog.Find(typeof(TEvent))
            ?? throw new ArgumentException($"{typeof(TEvent).Name} is not a ChatApp event type with a fixed event name.", nameof(TEvent));
        return (TEvent)descriptor.Parse(data, channel);
    }
}

internal delegate ChatAppEvent ChatAppEventParser(ReadOnlySpan<byte> data, string channel);

/// <summary>One known event: its name, model type, channel kind and parser.</summary>
internal sealed class ChatAppEventDescriptor(string name, Type eventType, ChatAppChannelKind kind, JsonTypeInfo envelopeInfo, ChatAppEventParser parse)
{
    public string Name { get; } = name;

    public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(name);

    public Type EventType { get; } = eventType;

    public ChatAppChannelKind Kind { get; } = kind;

    /// <summary>The source-generated metadata of the wire envelope (tests round-trip samples through it).</summary>
    public JsonTypeInfo EnvelopeInfo { get; } = envelopeInfo;

    public ChatAppEventParser Parse { get; } = parse;
}

/// <summary>The table of ChatApp's 17 events.</summary>
internal static class ChatAppEventCatalog
{
    private const ChatAppChannelKind License = ChatAppChannelKind.LicenseMessenger;

    public static readonly ChatAppEventDescriptor[] All =
    [
        Describe(MessageEvent.Name, License, ChatAppJsonContext.Default.MessageEnvelope, static (c, i, m) => new MessageEvent(c, i, m)),
        Describe(MessageStatusEvent.Name, License, ChatAppJsonContext.Default.MessageStatusEnvelope, static (c, i, m) => new MessageStatusEvent(c, i, m)),
        Describe(ChatTagEvent.Name, License, ChatAppJsonContext.Default.ChatTagEnvelope, static (c, i, m) => new ChatTagEvent(c, i, m)),
        Describe(ChatStatusEvent.Name, License, ChatAppJsonContext.Default.ChatStatusEnvelope, static (c, i, m) => new ChatStatusEvent(c, i, m)),
        Describe(ChatResponsibleEvent.Name, License, ChatAppJsonContext.Default.ChatResponsibleEnvelope, static (c, i, m) => new ChatResponsibleEvent(c, i, m)),
        Describe(ChatResponsiblePinEvent.Name, License, ChatAppJsonContext.Default.ChatResponsiblePinEnvelope, static (c, i, m) => new ChatResponsiblePinEvent(c, i, m)),
        Describe(ChatProducerEvent.Name, License, ChatAppJsonContext.Default.ChatProducerEnvelope, static (c, i, m) => new ChatProducerEvent(c, i, m)),
        Describe(ChatAccompliceEvent.Name, License, ChatAppJsonContext.Default.ChatAccompliceEnvelope, static (c, i, m) => new ChatAccompliceEvent(c, i, m)),
        Describe(ChatAuditorEvent.Name, License, ChatAppJsonContext.Default.ChatAuditorEnvelope, static (c, i, m) => new ChatAuditorEvent(c, i, m)),
        Describe(ChatLevelEvent.Name, License, ChatAppJsonContext.Default.ChatLevelEnvelope, static (c, i, m) => new ChatLevelEvent(c, i, m)),
        Describe(ChatConversationEvent.Name, License, ChatAppJsonContext.Default.ChatConversationEnvelope, static (c, i, m) => new ChatConversationEvent(c, i, m)),
        Describe(ChatReadEvent.Name, License, ChatAppJsonContext.Default.ChatReadEnvelope, static (c, i, m) => new ChatReadEvent(c, i, m)),
        Describe(ChatProcessEvent.Name, License, ChatAppJsonContext.Default.ChatProcessEnvelope, static (c, i, m) => new ChatProcessEvent(c, i, m)),
        Describe(EmployeeStatusEvent.Name, ChatAppChannelKind.Company, ChatAppJsonContext.Default.EmployeeStatusEnvelope, static (c, i, m) => new EmployeeStatusEvent(c, i, m)),
        Describe(EmployeeWorkdayEvent.Name, ChatAppChannelKind.Company, ChatAppJsonContext.Default.EmployeeWorkdayEnvelope, static (c, i, m) => new EmployeeWorkdayEvent(c, i, m)),
        Describe(QuickResponseListEvent.Name, ChatAppChannelKind.User, ChatAppJsonContext.Default.QuickResponseListEnvelope, static (c, i, m) => new QuickResponseListEvent(c, i, m)),
        Describe(QuickResponseEvent.Name, ChatAppChannelKind.User, ChatAppJsonContext.Default.QuickResponseEnvelope, static (c, i, m) => new QuickResponseEvent(c, i, m)),
    ];

    public static ChatAppEventDescriptor? Find(ReadOnlySpan<byte> name)
    {
        foreach (ChatAppEventDescriptor descriptor in All)
        {
            if (name.SequenceEqual(descriptor.Utf8Name))
            {
                return descriptor;
            }
        }

        return null;
    }

    public static ChatAppEventDescriptor? Find(string name)
    {
        foreach (ChatAppEventDescriptor descriptor in All)
        {
            if (string.Equals(name, descriptor.Name, StringComparison.Ordinal))
            {
                return descriptor;
            }
        }

        return null;
    }

    public static ChatAppEventDescriptor? Find(Type eventType)
    {
        foreach (ChatAppEventDescriptor descriptor in All)
        {
            if (descriptor.EventType == eventType)
            {
                return descriptor;
            }
        }

        return null;
    }

    private static ChatAppEventDescriptor Describe<TEvent, TItem, TMeta>(
        string name,
        ChatAppChannelKind kind,
        JsonTypeInfo<ChatAppEnvelope<TItem, TMeta>> typeInfo,
        Func<string, IReadOnlyList<TItem>, TMeta, TEvent> create)
        where TEvent : ChatAppEvent<TItem, TMeta>
        where TItem : class
        where TMeta : ChatAppMeta =>
        new(name, typeof(TEvent), kind, typeInfo, (data, channel) => Parse(name, data, channel, typeInfo, create));

    private static TEvent Parse<TEvent, TItem, TMeta>(
        string name,
        ReadOnlySpan<byte> data,
        string channel,
        JsonTypeInfo<ChatAppEnvelope<TItem, TMeta>> typeInfo,
        Func<string, IReadOnlyList<TItem>, TMeta, TEvent> create)
        where TEvent : ChatAppEvent<TItem, TMeta>
        where TItem : class
        where TMeta : ChatAppMeta
    {
        if (data.IsEmpty)
        {
            throw new ChatAppEventFormatException(name, channel, "the event has no data.");
        }

        ChatAppEnvelope<TItem, TMeta>? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(data, typeInfo);
        }
        catch (JsonException e)
        {
            throw new ChatAppEventFormatException(name, channel, Describe(e), e.Path);
        }

        ChatAppPayload<TItem, TMeta> payload = envelope?.Payload
            ?? throw new ChatAppEventFormatException(name, channel, "there is no 'payload' object.", "$.payload");
        List<TItem> items = payload.Data
            ?? throw new ChatAppEventFormatException(name, channel, "'payload.data' is missing or null; a list is expected.", "$.payload.data");
        TMeta meta = payload.Meta
            ?? throw new ChatAppEventFormatException(name, channel, "'payload.meta' is missing or null.", "$.payload.meta");
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                throw new ChatAppEventFormatException(name, channel, $"'payload.data[{i}]' is null; an object is expected.", $"$.payload.data[{i}]");
            }
        }

        return create(channel, items.AsReadOnly(), meta);
    }

    // System.Text.Json's own messages may quote input (e.g. "'hello' is an invalid JSON literal"), so they are neither
    // used nor kept as the inner exception: the reason is rebuilt from the kind of failure and its position.
    private static string Describe(JsonException e)
    {
        string where = $"{e.Path ?? "$"} (line {e.LineNumber ?? 0}, byte {e.BytePositionInLine ?? 0})";
        return e switch
        {
            ChatAppJsonValueException own => $"at {where}: {own.Reason}",
            // The serializer wraps the reader's syntax errors (an internal JsonException subtype) with the path added.
            { InnerException: JsonException } => $"the data is not valid JSON (error at {where}).",
            _ => $"the value at {where} does not have the expected JSON type.",
        };
    }
}
