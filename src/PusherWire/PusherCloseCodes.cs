namespace PusherWire;

/// <summary>The pusher-js close-code table (<c>src/core/connection/protocol/protocol.ts</c>).</summary>
public static class PusherCloseCodes
{
    /// <summary>Maps a WebSocket close code or <c>pusher:error</c> code to the client's action.</summary>
    /// <param name="code">The code; null for a connection lost without a close frame.</param>
    public static CloseAction GetCloseAction(int? code) => code switch
    {
        null => CloseAction.Backoff,
        < 4000 => CloseAction.Backoff,   // 1000-3999: normal closes and transport errors (1002-1004 back off in pusher-js)
        4000 => CloseAction.TlsOnly,
        < 4100 => CloseAction.Refused,   // 4001-4099: application-level refusal (unknown key, over quota, ...)
        < 4200 => CloseAction.Backoff,   // 4100-4199: over capacity, try later
        < 4300 => CloseAction.Retry,     // 4200-4299: generic reconnect
        _ => CloseAction.Refused,        // 4300+: refused
    };
}
