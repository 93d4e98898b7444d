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
