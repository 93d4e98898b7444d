namespace PusherWire.ChatApp;

/// <summary>
/// The data of a ChatApp event is not the documented JSON shape (not JSON, no <c>payload</c>, <c>data</c> not a list,
/// a value of the wrong type, ...). The message names the event, the channel and the JSON path; it never contains the
/// payload. Through <see cref="ChatAppSubscription"/> it is reported on <see cref="PusherClient.Error"/> and the
/// connection and later events carry on.
/// </summary>
public sealed class ChatAppEventFormatException : PusherException
{
    private const int MaxReasonLength = 300;

    /// <summary>Creates the exception.</summary>
    /// <param name="eventName">The Pusher event name.</param>
    /// <param name="channel">The channel name, or empty.</param>
    /// <param name="reason">What is wrong, without payload content.</param>
    /// <param name="jsonPath">Where in the JSON, when known (e.g. <c>$.payload.data[0].id</c>).</param>
    /// <param name="innerException">The cause, if any. The deserializer leaves it null: System.Text.Json's messages may quote the input.</param>
    public ChatAppEventFormatException(string eventName, string channel, string reason, string? jsonPath = null, Exception? innerException = null)
        : base(BuildMessage(eventName, channel, reason), innerException)
    {
        EventName = eventName;
        Channel = channel;
        JsonPath = jsonPath;
    }

    /// <summary>Creates the exception.</summary>
    public ChatAppEventFormatException() { }

    /// <summary>Creates the exception.</summary>
    public ChatAppEventFormatException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ChatAppEventFormatException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The Pusher event name.</summary>
    public string EventName { get; } = "";

    /// <summary>The channel the event arrived on; empty when unknown.</summary>
    public string Channel { get; } = "";

    /// <summary>The JSON path of the problem when known, e.g. <c>$.payload.data[0].id</c>.</summary>
    public string? JsonPath { get; }

    private static string BuildMessage(string eventName, string channel, string reason)
    {
        string where = string.IsNullOrEmpty(channel) ? "" : $" on '{LogSanitizer.Clean(channel)}'";
        string cleanReason = LogSanitizer.Clean(reason);
        if (cleanReason.Length > MaxReasonLength)
        {
            cleanReason = string.Concat(cleanReason.AsSpan(0, MaxReasonLength), "...");
        }

        return $"Malformed data in ChatApp event '{LogSanitizer.Clean(eventName)}'{where}: {cleanReason}";
    }
}
