namespace PusherWire.Internal;

/// <summary>The fields of one received Pusher message, as spans into the message or the unescape scratch buffer.</summary>
internal readonly ref struct ParsedFrame
{
    public ParsedFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> data, ReadOnlySpan<byte> userId, bool hasChannel)
    {
        EventName = eventName;
        Channel = channel;
        Data = data;
        UserId = userId;
        HasChannel = hasChannel;
    }

    public ReadOnlySpan<byte> EventName { get; }

    public ReadOnlySpan<byte> Channel { get; }

    /// <summary>Unescaped contents when <c>data</c> was a JSON string; raw JSON when it was any other value; empty when absent or null.</summary>
    public ReadOnlySpan<byte> Data { get; }

    public ReadOnlySpan<byte> UserId { get; }

    public bool HasChannel { get; }

    public PusherEvent ToEvent() => new(Channel, EventName, Data, UserId);
}
