using System.Net.WebSockets;

namespace PusherWire.Tests.Shared;

/// <summary>A WebSocket that hands every call to another one: test wrappers override only what they observe or change.</summary>
internal abstract class ForwardingWebSocket(WebSocket inner) : WebSocket
{
    protected WebSocket Inner { get; } = inner;

    public override WebSocketCloseStatus? CloseStatus => Inner.CloseStatus;

    public override string? CloseStatusDescription => Inner.CloseStatusDescription;

    public override WebSocketState State => Inner.State;

    public override string? SubProtocol => Inner.SubProtocol;

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Inner.ReceiveAsync(buffer, cancellationToken);

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        Inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        Inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    /// <summary>Goes through the memory overload, so a wrapper that overrides that one sees every send.</summary>
    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override void Abort() => Inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        Inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        Inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => Inner.Dispose();
}
