using System.Text.Json.Serialization;
using PusherWire.ChatApp.Json;

namespace PusherWire.ChatApp;

// Events of company channels (private-v1.companies.{id}) and user channels (private-v1.users.{id}).

/// <summary><c>employeeStatus</c>: an employee's status changed (company channel).</summary>
public sealed record EmployeeStatusEvent : ChatAppEvent<EmployeeStatusItem, CompanyMeta>
{
    /// <summary>The Pusher event name, <c>employeeStatus</c>.</summary>
    public const string Name = "employeeStatus";

    /// <summary>Creates the event.</summary>
    public EmployeeStatusEvent(string channel, IReadOnlyList<EmployeeStatusItem> items, CompanyMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of an <see cref="EmployeeStatusEvent"/>.</summary>
public sealed record EmployeeStatusItem
{
    /// <summary>The status exactly as sent, e.g. <c>online</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public EmployeeStatus Status => ChatAppEnumParser.EmployeeStatus(Type);

    /// <summary>The employee.</summary>
    public EntityRef? Employee { get; init; }
}

/// <summary><c>employeeWorkday</c>: an employee started or ended the workday (company channel).</summary>
public sealed record EmployeeWorkdayEvent : ChatAppEvent<EmployeeWorkdayItem, CompanyMeta>
{
    /// <summary>The Pusher event name, <c>employeeWorkday</c>.</summary>
    public const string Name = "employeeWorkday";

    /// <summary>Creates the event.</summary>
    public EmployeeWorkdayEvent(string channel, IReadOnlyList<EmployeeWorkdayItem> items, CompanyMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of an <see cref="EmployeeWorkdayEvent"/>.</summary>
public sealed record EmployeeWorkdayItem
{
    /// <summary>The change exactly as sent: <c>start</c> or <c>end</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public WorkdayAction Action => ChatAppEnumParser.Workday(Type);

    /// <summary>The employee.</summary>
    public EntityRef? Employee { get; init; }
}

/// <summary><c>quickResponseList</c>: a quick response list was created, edited or destroyed (user channel).</summary>
public sealed record QuickResponseListEvent : ChatAppEvent<QuickResponseListItem, UserMeta>
{
    /// <summary>The Pusher event name, <c>quickResponseList</c>.</summary>
    public const string Name = "quickResponseList";

    /// <summary>Creates the event.</summary>
    public QuickResponseListEvent(string channel, IReadOnlyList<QuickResponseListItem> items, UserMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="QuickResponseListEvent"/>.</summary>
public sealed record QuickResponseListItem
{
    /// <summary>The change exactly as sent: <c>create</c>, <c>edit</c> or <c>destroy</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public QuickResponseAction Action => ChatAppEnumParser.QuickResponse(Type);

    /// <summary>The list (only <see cref="QuickResponseList.Id"/> on destroy).</summary>
    public QuickResponseList? QuickResponseList { get; init; }
}

/// <summary>A quick response list.</summary>
public sealed record QuickResponseList
{
    /// <summary>The list id.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }

    /// <summary>The list name; null when not sent (destroy).</summary>
    public string? Name { get; init; }

    /// <summary>The sort order; null when not sent.</summary>
    public int? Sort { get; init; }

    /// <summary>Who may use the list; null when not sent.</summary>
    public IReadOnlyList<QuickResponseAccess>? Access { get; init; }
}

/// <summary>One user's access to a <see cref="QuickResponseList"/>.</summary>
public sealed record QuickResponseAccess
{
    /// <summary>The user id (a string such as <c>"685"</c> on the wire; a number works too).</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long UserId { get; init; }

    /// <summary>The user's email.</summary>
    public string? Email { get; init; }

    /// <summary>The permission exactly as sent: <c>r</c> or <c>w</c>.</summary>
    public string? Permission { get; init; }

    /// <summary><see cref="Permission"/> as an enum.</summary>
    [JsonIgnore]
    public QuickResponseAccessLevel AccessLevel => ChatAppEnumParser.Permission(Permission);
}

/// <summary><c>quickResponse</c>: quick responses were created, edited or destroyed (user channel; bulk destroys carry several items).</summary>
public sealed record QuickResponseEvent : ChatAppEvent<QuickResponseItem, UserMeta>
{
    /// <summary>The Pusher event name, <c>quickResponse</c>.</summary>
    public const string Name = "quickResponse";

    /// <summary>Creates the event.</summary>
    public QuickResponseEvent(string channel, IReadOnlyList<QuickResponseItem> items, UserMeta meta) : base(Name, channel, items, meta) { }
}

/// <summary>One change of a <see cref="QuickResponseEvent"/>.</summary>
public sealed record QuickResponseItem
{
    /// <summary>The change exactly as sent: <c>create</c>, <c>edit</c> or <c>destroy</c>.</summary>
    public string? Type { get; init; }

    /// <summary><see cref="Type"/> as an enum.</summary>
    [JsonIgnore]
    public QuickResponseAction Action => ChatAppEnumParser.QuickResponse(Type);

    /// <summary>The list the response belongs to (only its id is sent).</summary>
    public QuickResponseList? QuickResponseList { get; init; }

    /// <summary>The quick response (only <see cref="QuickResponse.Id"/> on destroy).</summary>
    public QuickResponse? QuickResponse { get; init; }
}

/// <summary>A quick response.</summary>
public sealed record QuickResponse
{
    /// <summary>The response id.</summary>
    [JsonConverter(typeof(ChatAppIdConverter))]
    public long Id { get; init; }

    /// <summary>The response name; null when not sent (destroy).</summary>
    public string? Name { get; init; }

    /// <summary>The sort order; null when not sent.</summary>
    public int? Sort { get; init; }

    /// <summary>The parent id (<c>parent</c>); null when none.</summary>
    [JsonConverter(typeof(ChatAppNullableIdConverter))]
    public long? Parent { get; init; }

    /// <summary>The response text.</summary>
    public string? Text { get; init; }

    /// <summary>Space-separated keywords as sent.</summary>
    public string? Keywords { get; init; }

    /// <summary>Whether AI is enabled for the response (<c>enableAI</c>); null when not sent.</summary>
    [JsonPropertyName("enableAI")]
    public bool? EnableAI { get; init; }
}
