namespace PusherWire.ChatApp;

/// <summary>The messenger of a license channel (<c>messengerType</c>), normalized case-insensitively.</summary>
public enum ChatAppMessenger
{
    /// <summary>Missing or not one of the types below (the string is kept next to this value).</summary>
    Unknown,

    /// <summary><c>telegram</c>.</summary>
    Telegram,

    /// <summary><c>WhatsApp</c>.</summary>
    WhatsApp,

    /// <summary><c>grWhatsApp</c>.</summary>
    GrWhatsApp,
}

/// <summary>The direction of a message (<c>side</c>).</summary>
public enum MessageDirection
{
    /// <summary>Missing or not recognized.</summary>
    Unknown,

    /// <summary><c>in</c>: received from the contact.</summary>
    Incoming,

    /// <summary><c>out</c>: sent to the contact.</summary>
    Outgoing,
}

/// <summary>The delivery status of a sent message (<c>messageStatus</c> event, <c>type</c>).</summary>
public enum MessageStatus
{
    /// <summary>Missing or not recognized.</summary>
    Unknown,

    /// <summary><c>delivered</c>.</summary>
    Delivered,

    /// <summary><c>viewed</c>.</summary>
    Viewed,

    /// <summary><c>failed</c>.</summary>
    Failed,
}

/// <summary>Whether something was added to or removed from a chat (<c>chatTag</c>, <c>chatAccomplice</c>, <c>chatAuditor</c>: <c>type</c>).</summary>
public enum MembershipAction
{
    /// <summary>Missing or not recognized.</summary>
    Unknown,

    /// <summary><c>add</c>.</summary>
    Add,

    /// <summary><c>destroy</c>: removed.</summary>
    Destroy,
}

/// <summary>Whether the responsible of a chat was pinned (<c>chatResponsiblePin</c>, <c>type</c>).</summary>
public enum PinAction
{
    /// <summary>Missing or not recognized.</summary>
    Unknown,

    /// <summary><c>pin</c>.</summary>
    Pin,

    /// <summary><c>unpin</c>.</summary>
    Unpin,
}

/// <summary>The status set for a chat (<c>chatStatus</c>, <c>type</c>).</summary>
public enum ChatStatus
{
    /// <summary>Missing or not recognized.</summary>
    Unknown,

    /// <summary><c>open</c>.</summary>
    Open,

    /// <summary><c>close</c>.</summary>
    Close,
}

/// <summary>The process state set for a chat (<c>chatProcess</c>, <c>process</c>).</summary>
public enum ChatProcessState
{
    /// <summary>A string that is not recognized.</summary>
    Unknown,

    /// <summary><c>null</c> or missing: the chat has no process.</summary>
    None,

    /// <summary><c>inWork</c>.</summary>
    InWork,
}

/// <summary>An employee's status (<c>employeeStatus</c>, <c>type</c>).</summary>
public enum EmployeeStatus
{
    /// <summary>Missing or not recognized (ChatApp documents only online and offline by example).</summary>
    Unknown,

    /// <summary><c>online</c>.</summary>
    Online,

    /// <summary><c>offline</c>.</summary>
    Offline,
}

/// <summary>The start or end of an employee's workday (<c>employeeWorkday</c>, <c>type</c>).</summary>
public enum WorkdayAction
{
    /// <summary>Missing or not recognized (including the documentation's literal <c>start|end</c>).</summary>
    Unknown,

    /// <summary><c>start</c>.</summary>
    Start,

    /// <summary><c>end</c>.</summary>
    End,
}

/// <summary>What happened to a quick response or quick response list (<c>type</c>).</summary>
public enum QuickResponseAction
{
    /// <summary>Missing or not recognized.</summary>
    Unknown,

    /// <summary><c>create</c>.</summary>
    Create,

    /// <summary><c>edit</c>.</summary>
    Edit,

    /// <summary><c>destroy</c>.</summary>
    Destroy,
}

/// <summary>A user's access to a quick response list (<c>permission</c>).</summary>
public enum QuickResponseAccessLevel
{
    /// <summary>Missing or not recognized.</summary>
    Unknown,

    /// <summary><c>r</c>: read.</summary>
    Read,

    /// <summary><c>w</c>: write.</summary>
    Write,
}

/// <summary>Maps ChatApp's enum-like strings to enums: case-insensitive, never throws, Unknown when unrecognized.</summary>
internal static class ChatAppEnumParser
{
    public static ChatAppMessenger Messenger(string? raw) =>
        Is(raw, "telegram") ? ChatAppMessenger.Telegram
        : Is(raw, "whatsapp") ? ChatAppMessenger.WhatsApp
        : Is(raw, "grWhatsApp") ? ChatAppMessenger.GrWhatsApp
        : ChatAppMessenger.Unknown;

    public static MessageDirection Direction(string? raw) =>
        Is(raw, "in") ? MessageDirection.Incoming
        : Is(raw, "out") ? MessageDirection.Outgoing
        : MessageDirection.Unknown;

    public static MessageStatus MessageStatus(string? raw) =>
        Is(raw, "delivered") ? ChatApp.MessageStatus.Delivered
        : Is(raw, "viewed") ? ChatApp.MessageStatus.Viewed
        : Is(raw, "failed") ? ChatApp.MessageStatus.Failed
        : ChatApp.MessageStatus.Unknown;

    public static MembershipAction Membership(string? raw) =>
        Is(raw, "add") ? MembershipAction.Add
        : Is(raw, "destroy") ? MembershipAction.Destroy
        : MembershipAction.Unknown;

    public static PinAction Pin(string? raw) =>
        Is(raw, "pin") ? PinAction.Pin
        : Is(raw, "unpin") ? PinAction.Unpin
        : PinAction.Unknown;

    public static ChatStatus ChatStatus(string? raw) =>
        Is(raw, "open") ? ChatApp.ChatStatus.Open
        : Is(raw, "close") ? ChatApp.ChatStatus.Close
        : ChatApp.ChatStatus.Unknown;

    public static ChatProcessState Process(string? raw) =>
        raw is null ? ChatProcessState.None
        : Is(raw, "inWork") ? ChatProcessState.InWork
        : ChatProcessState.Unknown;

    public static EmployeeStatus EmployeeStatus(string? raw) =>
        Is(raw, "online") ? ChatApp.EmployeeStatus.Online
        : Is(raw, "offline") ? ChatApp.EmployeeStatus.Offline
        : ChatApp.EmployeeStatus.Unknown;

    public static WorkdayAction Workday(string? raw) =>
        Is(raw, "start") ? WorkdayAction.Start
        : Is(raw, "end") ? WorkdayAction.End
        : WorkdayAction.Unknown;

    public static QuickResponseAction QuickResponse(string? raw) =>
        Is(raw, "create") ? QuickResponseAction.Create
        : Is(raw, "edit") ? QuickResponseAction.Edit
        : Is(raw, "destroy") ? QuickResponseAction.Destroy
        : QuickResponseAction.Unknown;

    public static QuickResponseAccessLevel Permission(string? raw) =>
        Is(raw, "r") ? QuickResponseAccessLevel.Read
        : Is(raw, "w") ? QuickResponseAccessLevel.Write
        : QuickResponseAccessLevel.Unknown;

    private static bool Is(string? raw, string expected) => string.Equals(raw, expected, StringComparison.OrdinalIgnoreCase);
}
