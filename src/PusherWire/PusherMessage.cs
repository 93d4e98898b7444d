using System.Text;

namespace PusherWire;

/// <summary>An owned copy of a received event, safe to keep and to pass between threads.</summary>
/// <param name="Channel">The channel name; empty for connection-level events.</param>
/// <param name="EventName">The event name.</param>
/// <param name="Data">The payload as UTF-8 JSON (see <see cref="PusherEvent.Data"/>).</param>
/// <param name="UserId">The <c>user_id</c> field, or null.</param>
public sealed record PusherMessage(string Channel, string EventName, ReadOnlyMemory<byte> Data, string? UserId)
{
    /// <summary>The payload decoded as a UTF-8 string.</summary>
    public string DataAsString => Encoding.UTF8.GetString(Data.Span);

    /// <summary>A zero-copy view over this message, for code written against <see cref="PusherEventCallback"/>.</summary>
    public PusherEvent AsEvent() => new(Encoding.UTF8.GetBytes(Channel), Encoding.UTF8.GetBytes(EventName), Data.Span,
        UserId is null ? default : Encoding.UTF8.GetBytes(UserId));

    /// <inheritdoc />
    public override string ToString() => $"{EventName} on {Channel} ({Data.Length} bytes)";
}
