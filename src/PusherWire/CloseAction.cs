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
