using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PusherWire.ChatApp.Json;

namespace PusherWire.ChatApp;

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
