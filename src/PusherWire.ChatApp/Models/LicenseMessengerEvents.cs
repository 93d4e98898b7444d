using System.Text.Json;
using System.Text.Json.Serialization;
using PusherWire.ChatApp.Json;

namespace PusherWire.ChatApp;

// Events of license-messenger channels (private-v1.licenses.{license}.messengers.{type}).

/// <summary><c>message</c>: an incoming or outgoing message.</summary>
public sealed record MessageEvent : ChatAppEvent<MessageItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>message</c>.</summary>
    public const string Name = "message";

    /// <summary>Creates the event.</summary>
    public MessageEvent(string channel, IReadOnlyList<MessageItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One message of a <see cref="MessageEvent"/>.</summary>
public sealed record MessageItem : ChatItem
{
    /// <summary>The message id.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }

    /// <summary>Sent through the API (<c>fromApi</c>).</summary>
    public bool FromApi { get; init; }

    /// <summary>Sent from this account (<c>fromMe</c>).</summary>
    public bool FromMe { get; init; }

    /// <summary>The direction exactly as sent: <c>in</c> or <c>out</c>.</summary>
    public string? Side { get; init; }

    /// <summary><see cref="Side"/> as an enum.</summary>
    [JsonIgnore]
    public MessageDirection Direction => ChatAppEnumParser.Direction(Side);

    /// <summary>When the message was sent, Unix seconds.</summary>
    public long Time { get; init; }

    /// <summary><see cref="Time"/> as a UTC timestamp; null when out of range.</summary>
    [JsonIgnore]
    public DateTimeOffset? SentAt => UnixTime.FromSeconds(Time);

    /// <summary>The message was forwarded.</summary>
    public bool IsForwarded { get; init; }

    /// <summary>The message type as sent, e.g. <c>text</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The message subtype, when sent.</summary>
    public string? Subtype { get; init; }

    /// <summary>The content.</summary>
    public MessageContent? Message { get; init; }

    /// <summary>The quoted message as raw JSON (its shape is not documented); null when none.</summary>
    public JsonElement? QuotedMessage { get; init; }

    /// <summary>The author.</summary>
    public MessageAuthor? FromUser { get; init; }

    /// <summary>The API application that sent it, when any.</summary>
    public AppRef? FromApp { get; init; }

    /// <summary>UTM data as raw JSON (shape not documented); null when none.</summary>
    public JsonElement? Utm { get; init; }

    /// <summary>Who created the message, as raw JSON (shape not documented); null when none.</summary>
    public JsonElement? Created { get; init; }
}

/// <summary>The content of a <see cref="MessageItem"/>.</summary>
public sealed record MessageContent
{
    /// <summary>The text.</summary>
    public string? Text { get; init; }

    /// <summary>The caption of a media message.</summary>
    public string? Caption { get; init; }

    /// <summary>The attached file as raw JSON (shape not documented); null when none.</summary>
    public JsonElement? File { get; init; }
}

/// <summary>The author of a <see cref="MessageItem"/> (<c>fromUser</c>).</summary>
public sealed record MessageAuthor
{
    /// <summary>The messenger user id.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }

    /// <summary>The username.</summary>
    public string? Username { get; init; }

    /// <summary>The display name.</summary>
    public string? Name { get; init; }

    /// <summary>The phone.</summary>
    [JsonConverter(typeof(ChatAppFlexibleStringConverter))]
    public string? Phone { get; init; }
}

/// <summary><c>messageStatus</c>: the delivery status of a sent message changed.</summary>
public sealed record MessageStatusEvent : ChatAppEvent<MessageStatusItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>messageStatus</c>.</summary>
    public const string Name = "messageStatus";

    /// <summary>Creates the event.</summary>
    public MessageStatusEvent(string channel, IReadOnlyList<MessageStatusItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One status change of a <see cref="MessageStatusEvent"/>.</summary>
public sealed record MessageStatusItem : ChatItem
{
    /// <summary>The message id.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }

    /// <summary>The status exactly as sent: <c>delivered</c>, <c>viewed</c> or <c>failed</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public MessageStatus Status => ChatAppEnumParser.MessageStatus(Type);

    /// <summary>The API application that sent the message, when any.</summary>
    public AppRef? FromApp { get; init; }

    /// <summary>The error of a failed message as raw JSON (shape not documented); null when none.</summary>
    public JsonElement? Error { get; init; }
}

/// <summary><c>chatTag</c>: a tag was added to or removed from a chat.</summary>
public sealed record ChatTagEvent : ChatAppEvent<ChatTagItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatTag</c>.</summary>
    public const string Name = "chatTag";

    /// <summary>Creates the event.</summary>
    public ChatTagEvent(string channel, IReadOnlyList<ChatTagItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatTagEvent"/>.</summary>
public sealed record ChatTagItem : ChatItem
{
    /// <summary>The change exactly as sent: <c>add</c> or <c>destroy</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public MembershipAction Action => ChatAppEnumParser.Membership(Type);

    /// <summary>The tag.</summary>
    public ChatTag? Tag { get; init; }
}

/// <summary>A chat tag.</summary>
public sealed record ChatTag
{
    /// <summary>The tag id.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }

    /// <summary>The tag name.</summary>
    public string? Name { get; init; }

    /// <summary>The color as sent, e.g. <c>#123df55</c>.</summary>
    public string? Color { get; init; }

    /// <summary>The sort order, when sent.</summary>
    public int? Sort { get; init; }

    /// <summary>The tag's category, when sent.</summary>
    public ChatTagCategory? Category { get; init; }
}

/// <summary>The category of a <see cref="ChatTag"/>.</summary>
public sealed record ChatTagCategory
{
    /// <summary>The category id.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }

    /// <summary>The category name.</summary>
    public string? Name { get; init; }

    /// <summary>The sort order, when sent.</summary>
    public int? Sort { get; init; }
}

/// <summary><c>chatStatus</c>: a status was set for a chat.</summary>
public sealed record ChatStatusEvent : ChatAppEvent<ChatStatusItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatStatus</c>.</summary>
    public const string Name = "chatStatus";

    /// <summary>Creates the event.</summary>
    public ChatStatusEvent(string channel, IReadOnlyList<ChatStatusItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatStatusEvent"/>.</summary>
public sealed record ChatStatusItem : ChatItem
{
    /// <summary>The status exactly as sent, e.g. <c>open</c> or <c>close</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public ChatStatus Status => ChatAppEnumParser.ChatStatus(Type);
}

/// <summary><c>chatResponsible</c>: the responsible employee of a chat was set.</summary>
public sealed record ChatResponsibleEvent : ChatAppEvent<ChatResponsibleItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatResponsible</c>.</summary>
    public const string Name = "chatResponsible";

    /// <summary>Creates the event.</summary>
    public ChatResponsibleEvent(string channel, IReadOnlyList<ChatResponsibleItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatResponsibleEvent"/>.</summary>
public sealed record ChatResponsibleItem : ChatChangeItem
{
    /// <summary>The new responsible employee.</summary>
    public EntityRef? Responsible { get; init; }
}

/// <summary><c>chatResponsiblePin</c>: the responsible of a chat was pinned or unpinned.</summary>
public sealed record ChatResponsiblePinEvent : ChatAppEvent<ChatResponsiblePinItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatResponsiblePin</c>.</summary>
    public const string Name = "chatResponsiblePin";

    /// <summary>Creates the event.</summary>
    public ChatResponsiblePinEvent(string channel, IReadOnlyList<ChatResponsiblePinItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatResponsiblePinEvent"/>.</summary>
public sealed record ChatResponsiblePinItem : ChatItem
{
    /// <summary>The change exactly as sent: <c>pin</c> or <c>unpin</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public PinAction Action => ChatAppEnumParser.Pin(Type);
}

/// <summary><c>chatProducer</c>: the producer of a chat was set.</summary>
public sealed record ChatProducerEvent : ChatAppEvent<ChatProducerItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatProducer</c>.</summary>
    public const string Name = "chatProducer";

    /// <summary>Creates the event.</summary>
    public ChatProducerEvent(string channel, IReadOnlyList<ChatProducerItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatProducerEvent"/>.</summary>
public sealed record ChatProducerItem : ChatChangeItem
{
    /// <summary>The new producer.</summary>
    public EntityRef? Producer { get; init; }
}

/// <summary><c>chatAccomplice</c>: an accomplice was added to or removed from a chat.</summary>
public sealed record ChatAccompliceEvent : ChatAppEvent<ChatAccompliceItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatAccomplice</c>.</summary>
    public const string Name = "chatAccomplice";

    /// <summary>Creates the event.</summary>
    public ChatAccompliceEvent(string channel, IReadOnlyList<ChatAccompliceItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatAccompliceEvent"/>.</summary>
public sealed record ChatAccompliceItem : ChatChangeItem
{
    /// <summary>The change exactly as sent: <c>add</c> or <c>destroy</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public MembershipAction Action => ChatAppEnumParser.Membership(Type);

    /// <summary>The accomplice.</summary>
    public EntityRef? Accomplice { get; init; }
}

/// <summary><c>chatAuditor</c>: an auditor was added to or removed from a chat.</summary>
public sealed record ChatAuditorEvent : ChatAppEvent<ChatAuditorItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatAuditor</c>.</summary>
    public const string Name = "chatAuditor";

    /// <summary>Creates the event.</summary>
    public ChatAuditorEvent(string channel, IReadOnlyList<ChatAuditorItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatAuditorEvent"/>.</summary>
public sealed record ChatAuditorItem : ChatChangeItem
{
    /// <summary>The change exactly as sent: <c>add</c> or <c>destroy</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public MembershipAction Action => ChatAppEnumParser.Membership(Type);

    /// <summary>The auditor.</summary>
    public EntityRef? Auditor { get; init; }
}

/// <summary><c>chatLevel</c>: the level of a chat was set.</summary>
public sealed record ChatLevelEvent : ChatAppEvent<ChatLevelItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatLevel</c>.</summary>
    public const string Name = "chatLevel";

    /// <summary>Creates the event.</summary>
    public ChatLevelEvent(string channel, IReadOnlyList<ChatLevelItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatLevelEvent"/>.</summary>
public sealed record ChatLevelItem : ChatChangeItem
{
    /// <summary>The new level.</summary>
    public EntityRef? Level { get; init; }
}

/// <summary><c>chatConversation</c>: a 24-hour conversation window was opened (WhatsApp only).</summary>
public sealed record ChatConversationEvent : ChatAppEvent<ChatConversationItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatConversation</c>.</summary>
    public const string Name = "chatConversation";

    /// <summary>Creates the event.</summary>
    public ChatConversationEvent(string channel, IReadOnlyList<ChatConversationItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One window of a <see cref="ChatConversationEvent"/>.</summary>
public sealed record ChatConversationItem : ChatItem
{
    /// <summary>The conversation window.</summary>
    public ConversationWindow? Conversation { get; init; }
}

/// <summary>A WhatsApp 24-hour conversation window.</summary>
public sealed record ConversationWindow
{
    /// <summary>The conversation id; empty when missing.</summary>
    [JsonConverter(typeof(ChatAppStringIdConverter))]
    public string Id { get; init; } = "";

    /// <summary>The conversation type as sent, e.g. <c>BIC</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Start of the window, Unix seconds.</summary>
    public long StartTime { get; init; }

    /// <summary>End of the window, Unix seconds.</summary>
    public long EndTime { get; init; }

    /// <summary><see cref="StartTime"/> as a UTC timestamp; null when out of range.</summary>
    [JsonIgnore]
    public DateTimeOffset? StartsAt => UnixTime.FromSeconds(StartTime);

    /// <summary><see cref="EndTime"/> as a UTC timestamp; null when out of range.</summary>
    [JsonIgnore]
    public DateTimeOffset? EndsAt => UnixTime.FromSeconds(EndTime);
}

/// <summary><c>chatRead</c>: a chat was read.</summary>
public sealed record ChatReadEvent : ChatAppEvent<ChatReadItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatRead</c>.</summary>
    public const string Name = "chatRead";

    /// <summary>Creates the event.</summary>
    public ChatReadEvent(string channel, IReadOnlyList<ChatReadItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One chat of a <see cref="ChatReadEvent"/>.</summary>
public sealed record ChatReadItem : ChatItem
{

}

/// <summary><c>chatProcess</c>: the process of a chat was set or cleared.</summary>
public sealed record ChatProcessEvent : ChatAppEvent<ChatProcessItem, LicenseMessengerMeta>
{
    /// <summary>The Pusher event name, <c>chatProcess</c>.</summary>
    public const string Name = "chatProcess";

    /// <summary>Creates the event.</summary>
    public ChatProcessEvent(string channel, IReadOnlyList<ChatProcessItem> items, LicenseMessengerMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="ChatProcessEvent"/>.</summary>
public sealed record ChatProcessItem : ChatChangeItem
{
    /// <summary>The process exactly as sent: <c>inWork</c>, or null when cleared.</summary>
    public string? Process { get; init; }

    /// <summary><see cref="Process"/> as an enum (<see cref="ChatProcessState.None"/> for null).</summary>
    [JsonIgnore]
    public ChatProcessState ProcessState => ChatAppEnumParser.Process(Process);
}
