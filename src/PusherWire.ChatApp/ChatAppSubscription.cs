using System.Runtime.CompilerServices;

namespace PusherWire.ChatApp;

/// <summary>
/// Typed access to one subscribed ChatApp channel, layered on <see cref="PusherWire.PusherChannel"/>: per-event handlers
/// (<see cref="On{TEvent}"/>) and an async stream (<see cref="ReadAllAsync"/>). Get one from
/// <see cref="ChatAppClientExtensions.SubscribeChatApp(PusherClient, string)"/>.
/// </summary>
/// <remarks>
/// Malformed event data never reaches a handler or the stream: it is reported as a
/// <see cref="ChatAppEventFormatException"/> on <see cref="PusherClient.Error"/>, and later events keep flowing.
/// Pusher protocol events (<c>pusher:*</c>) are not ChatApp events and are skipped.
/// </remarks>
public sealed class ChatAppSubscription
{
    private readonly PusherClient _client;

    internal ChatAppSubscription(PusherClient client, PusherChannel pusherChannel, ChatAppChannel channel)
    {
        _client = client;
        PusherChannel = pusherChannel;
        Channel = channel;
    }

    /// <summary>The channel's kind and ids.</summary>
    public ChatAppChannel Channel { get; }

    /// <summary>The underlying channel, for its state, raw bindings and <see cref="PusherWire.PusherChannel.WaitForSubscriptionAsync"/>.</summary>
    public PusherChannel PusherChannel { get; }

    /// <summary>
    /// Calls <paramref name="handler"/> with every <typeparamref name="TEvent"/> on this channel, on the receive loop, in
    /// arrival order. Dispose the result to unbind.
    /// <list type="bullet">
    /// <item>A sealed event type (<see cref="MessageEvent"/>, <see cref="QuickResponseEvent"/>, ...) binds that one event name.</item>
    /// <item><see cref="UnknownChatAppEvent"/> receives events whose name this library does not know, with their raw JSON.</item>
    /// <item><see cref="ChatAppEvent"/> receives every event, known and unknown.</item>
    /// </list>
    /// Each handler deserializes on its own; an exception it throws is reported on <see cref="PusherClient.Error"/> as a
    /// <see cref="PusherHandlerException"/> and does not affect other handlers.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TEvent"/> is published on another kind of channel (e.g. <see cref="EmployeeStatusEvent"/> on a license channel).</exception>
    public IDisposable On<TEvent>(Action<TEvent> handler)
        where TEvent : ChatAppEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        string channelName = PusherChannel.Name;
        if (ChatAppEventCatalog.Find(typeof(TEvent)) is { } descriptor)
        {
            if (descriptor.Kind != Channel.Kind)
            {
                throw new InvalidOperationException(
                    $"'{descriptor.Name}' events are published on {descriptor.Kind} channels; '{channelName}' is a {Channel.Kind} channel.");
            }

            return PusherChannel.Bind(descriptor.Name, (in PusherEvent e) =>
            {
                if (TryParse(descriptor, e.Data, channelName) is { } parsed)
                {
                    handler((TEvent)parsed);
                }
            });
        }

        // A base type: every known event assignable to it, and unknown ones when it is UnknownChatAppEvent or ChatAppEvent.
        ChatAppEventDescriptor[] wanted = Array.FindAll(ChatAppEventCatalog.All, d => typeof(TEvent).IsAssignableFrom(d.EventType));
        bool wantsUnknown = typeof(TEvent).IsAssignableFrom(typeof(UnknownChatAppEvent));
        return PusherChannel.BindAll((in PusherEvent e) =>
        {
            if (IsProtocolEvent(e.EventName))
            {
                return;
            }

            ChatAppEventDescriptor? known = ChatAppEventCatalog.Find(e.EventName);
            if (known is null)
            {
                if (wantsUnknown)
                {
                    handler((TEvent)(ChatAppEvent)new UnknownChatAppEvent(e.GetEventName(), channelName, e.Data.ToArray()));
                }
            }
            else if (Array.IndexOf(wanted, known) >= 0 && TryParse(known, e.Data, channelName) is { } parsed)
            {
                handler((TEvent)parsed);
            }
        });
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for events whose name this library does not know (new ChatApp events), with the
    /// raw JSON. Same as <c>On&lt;UnknownChatAppEvent&gt;</c>. Dispose the result to unbind.
    /// </summary>
    public IDisposable OnUnknown(Action<UnknownChatAppEvent> handler) => On(handler);

    /// <summary>
    /// Streams this channel's events as typed <see cref="ChatAppEvent"/>s (pattern-match on the type), through the
    /// channel's bounded reader queue (<see cref="PusherOptions.ReaderQueueCapacity"/>, <see cref="PusherOptions.ReaderOverflow"/>).
    /// Events are queued from the moment enumeration starts; deserialization happens on the reading side.
    /// </summary>
    public IAsyncEnumerable<ChatAppEvent> ReadAllAsync(CancellationToken cancellationToken = default) =>
        ChatAppStreams.ReadAsync(_client, PusherChannel.ReadAllAsync(cancellationToken), cancellationToken);

    /// <summary>Completes once the server confirmed the subscription; see <see cref="PusherWire.PusherChannel.WaitForSubscriptionAsync"/>.</summary>
    public Task WaitForSubscriptionAsync(CancellationToken cancellationToken = default) =>
        PusherChannel.WaitForSubscriptionAsync(cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"ChatAppSubscription {{ {Channel.Kind} {PusherChannel} }}";

    internal static bool IsProtocolEvent(ReadOnlySpan<byte> eventName) =>
        eventName.StartsWith("pusher:"u8) || eventName.StartsWith("pusher_internal:"u8);

    private ChatAppEvent? TryParse(ChatAppEventDescriptor descriptor, ReadOnlySpan<byte> data, string channel)
    {
        try
        {
            return descriptor.Parse(data, channel);
        }
        catch (ChatAppEventFormatException e)
        {
            _client.ReportError(e);
            return null;
        }
    }
}

/// <summary>Entry points of the typed ChatApp API on <see cref="PusherClient"/>.</summary>
public static class ChatAppClientExtensions
{
    /// <summary>
    /// Subscribes to a ChatApp channel (see <see cref="PusherClient.Subscribe"/>) and returns its typed view, e.g.
    /// <c>client.SubscribeChatApp(ChatAppChannels.LicenseMessenger(1229, "telegram"))</c>. Subscribing twice shares the channel.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="channelName"/> is not a ChatApp channel name.</exception>
    public static ChatAppSubscription SubscribeChatApp(this PusherClient client, string channelName)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.SubscribeChatApp(ChatAppChannels.Parse(channelName));
    }

    /// <summary>Subscribes to a parsed ChatApp channel and returns its typed view.</summary>
    public static ChatAppSubscription SubscribeChatApp(this PusherClient client, ChatAppChannel channel)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(channel);
        return new ChatAppSubscription(client, client.Subscribe(channel.Name), channel);
    }

    /// <summary>
    /// Streams the events of every channel as typed <see cref="ChatAppEvent"/>s through the client's bounded reader queue
    /// (see <see cref="PusherClient.ReadAllAsync"/>). Malformed data is reported on <see cref="PusherClient.Error"/> and skipped.
    /// </summary>
    public static IAsyncEnumerable<ChatAppEvent> ReadChatAppEventsAsync(this PusherClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return ChatAppStreams.ReadAsync(client, client.ReadAllAsync(cancellationToken), cancellationToken);
    }
}

internal static class ChatAppStreams
{
    public static async IAsyncEnumerable<ChatAppEvent> ReadAsync(
        PusherClient client,
        IAsyncEnumerable<PusherMessage> source,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (PusherMessage message in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (message.EventName.StartsWith("pusher:", StringComparison.Ordinal) || message.EventName.StartsWith("pusher_internal:", StringComparison.Ordinal))
            {
                continue;
            }

            ChatAppEvent typed;
            try
            {
                typed = ChatAppEventSerializer.Deserialize(message);
            }
            catch (ChatAppEventFormatException e)
            {
                client.ReportError(e);
                continue;
            }

            yield return typed;
        }
    }
}
