namespace PusherWire;

/// <summary>What the client does after a close code or <c>pusher:error</c> code: pusher-js's <c>Protocol.getCloseAction</c>.</summary>
public enum CloseAction
{
    /// <summary>Reconnect after the backoff delay (network errors, 1002-1004, 4100-4199 and any other code).</summary>
    Backoff,

    /// <summary>Reconnect immediately (4200-4299).</summary>
    Retry,

    /// <summary>The server wants TLS (4000): reconnect over <c>wss://</c>.</summary>
    TlsOnly,

    /// <summary>Do not reconnect (4001-4099 and 4300+): the state becomes <see cref="ConnectionState.Failed"/>.</summary>
    Refused,
}

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
