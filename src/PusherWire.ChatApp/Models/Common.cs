using System.Text.Json.Serialization;
using PusherWire.ChatApp.Json;

namespace PusherWire.ChatApp;

/// <summary>The chat an event is about. Only <see cref="Id"/> is always sent; <c>message</c> and <c>messageStatus</c> add more.</summary>
public sealed record ChatInfo
{
    /// <summary>The chat id, e.g. <c>70000000000@c.us</c>, <c>group-54911000655</c> or <c>private-1480005234h13...</c>; empty when missing.</summary>
    [JsonConverter(typeof(ChatAppStringIdConverter))]
    public string Id { get; init; } = "";

    /// <summary>The chat hash (<c>hash</c>), when sent.</summary>
    public string? Hash { get; init; }

    /// <summary>The chat type as sent, e.g. <c>private</c> or <c>group</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The contact's phone, when sent.</summary>
    [JsonConverter(typeof(ChatAppFlexibleStringConverter))]
    public string? Phone { get; init; }

    /// <summary>The contact's username, when sent.</summary>
    public string? Username { get; init; }

    /// <summary>The chat's display name, when sent.</summary>
    public string? Name { get; init; }

    /// <summary>The chat's image URL, when sent.</summary>
    public string? Image { get; init; }
}

/// <summary>A reference to an entity by numeric id (an employee, a level, the user who made a change).</summary>
public sealed record EntityRef
{
    /// <summary>The id (a number or a numeric string on the wire); 0 when missing.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }
}

/// <summary>The API application that caused a change (<c>fromApp</c>).</summary>
public sealed record AppRef
{
    /// <summary>The application id, e.g. <c>app_123_1</c>; empty when missing.</summary>
    [JsonConverter(typeof(ChatAppStringIdConverter))]
    public string Id { get; init; } = "";

    /// <summary>The tracking value the application attached, when sent.</summary>
    [JsonConverter(typeof(ChatAppFlexibleStringConverter))]
    public string? Tracking { get; init; }
}

/// <summary>The <c>meta</c> object of every ChatApp event.</summary>
public abstract record ChatAppMeta
{
    private protected ChatAppMeta()
    {
    }

    /// <summary>The event type as the server names it in <c>meta.type</c> (normally the Pusher event name).</summary>
    public string? Type { get; init; }
}

/// <summary>The <c>meta</c> of events on license-messenger channels.</summary>
public sealed record LicenseMessengerMeta : ChatAppMeta
{
    /// <summary>The license id (ChatApp sends it as a number or, in <c>chatRead</c>, as a string); 0 when missing.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long LicenseId { get; init; }

    /// <summary>The messenger type exactly as sent (its case varies: <c>grWhatsApp</c>, <c>telegram</c>, <c>WhatsApp</c>).</summary>
    public string? MessengerType { get; init; }

    /// <summary><see cref="MessengerType"/> normalized case-insensitively; <see cref="ChatAppMessenger.Unknown"/> when not recognized.</summary>
    [JsonIgnore]
    public ChatAppMessenger Messenger => ChatAppEnumParser.Messenger(MessengerType);
}

/// <summary>The <c>meta</c> of events on company channels.</summary>
public sealed record CompanyMeta : ChatAppMeta
{
    /// <summary>The company id (number or numeric string on the wire); 0 when missing.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long CompanyId { get; init; }
}

/// <summary>The <c>meta</c> of events on user channels.</summary>
public sealed record UserMeta : ChatAppMeta
{
    /// <summary>The user id (ChatApp sends it as a string, e.g. <c>"685"</c>; a number works too); 0 when missing.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long UserId { get; init; }
}

/// <summary>Converts ChatApp's Unix timestamps (seconds).</summary>
internal static class UnixTime
{
    public static DateTimeOffset? FromSeconds(long? seconds) =>
        seconds is { } s && s >= -62_135_596_800 && s <= 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
}

/// <summary>An item of a license-messenger channel event: every one of them concerns a chat.</summary>
public abstract record ChatItem
{
    /// <summary>The chat the item concerns.</summary>
    public ChatInfo? Chat { get; init; }
}

/// <summary>
/// A change made to a chat by someone (<c>chatResponsible</c>, <c>chatProducer</c>, <c>chatAccomplice</c>,
/// <c>chatAuditor</c>, <c>chatLevel</c>, <c>chatProcess</c>): handle them alike to audit who changed what.
/// </summary>
public abstract record ChatChangeItem : ChatItem
{
    /// <summary>The API application that made the change, when any.</summary>
    public AppRef? FromApp { get; init; }

    /// <summary>The user who made the change, when sent.</summary>
    public EntityRef? Edited { get; init; }
}
