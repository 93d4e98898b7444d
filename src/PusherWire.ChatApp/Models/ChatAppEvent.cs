using System.Text;

namespace PusherWire.ChatApp;

/// <summary>
/// A received ChatApp event. Every event type of ChatApp's documentation is a sealed subclass (<see cref="MessageEvent"/>,
/// <see cref="ChatTagEvent"/>, ...); an event name this library does not know is an <see cref="UnknownChatAppEvent"/>.
/// Pattern-match on the type: <c>if (e is MessageEvent m) foreach (MessageItem item in m.Items) ...</c>.
/// </summary>
public abstract record ChatAppEvent
{
    private protected ChatAppEvent(string eventName, string channel)
    {
        EventName = eventName;
        Channel = channel;
    }

    /// <summary>The Pusher event name, e.g. <c>message</c>.</summary>
    public string EventName { get; }

    /// <summary>The channel the event arrived on; empty when it was deserialized without one.</summary>
    public string Channel { get; init; }
}

/// <summary>
/// A known ChatApp event: the envelope <c>{"payload":{"data":[...],"meta":{...}}}</c> with its items and meta.
/// <c>data</c> is a list: bulk changes carry several items in one event.
/// </summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <typeparam name="TMeta">The meta type of the channel kind.</typeparam>
public abstract record ChatAppEvent<TItem, TMeta> : ChatAppEvent
    where TItem : class
    where TMeta : ChatAppMeta
{
    private protected ChatAppEvent(string eventName, string channel, IReadOnlyList<TItem> items, TMeta meta)
        : base(eventName, channel)
    {
        Items = items;
        Meta = meta;
    }

    /// <summary>The items of <c>payload.data</c>, in order (usually one; several for bulk changes).</summary>
    public IReadOnlyList<TItem> Items { get; }

    /// <summary><c>payload.meta</c>.</summary>
    public TMeta Meta { get; }

    /// <summary>Prints the event name, channel, item count and meta (items are not printed).</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append($"EventName = {EventName}, Channel = {Channel}, Items = {Items.Count}, Meta = {Meta}");
        return true;
    }
}

/// <summary>
/// An event whose name is not one of ChatApp's documented events. Its data is kept as raw JSON, unparsed.
/// Pusher protocol events (<c>pusher:*</c>) never surface as ChatApp events.
/// </summary>
public sealed record UnknownChatAppEvent : ChatAppEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="eventName">The Pusher event name.</param>
    /// <param name="channel">The channel name, or empty.</param>
    /// <param name="data">The event data as UTF-8 JSON (not copied).</param>
    public UnknownChatAppEvent(string eventName, string channel, ReadOnlyMemory<byte> data)
        : base(eventName, channel)
    {
        Data = data;
    }

    /// <summary>The event data as UTF-8 JSON, as received.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The event data decoded as a string (allocates).</summary>
    public string DataAsString => Encoding.UTF8.GetString(Data.Span);

    /// <summary>Prints the event name, channel and data size (not the data).</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append($"EventName = {EventName}, Channel = {Channel}, Data = {Data.Length} bytes");
        return true;
    }
}
