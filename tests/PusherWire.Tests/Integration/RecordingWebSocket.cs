using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace PusherWire.Tests.Integration;

/// <summary>
/// Wraps the client's real socket and records each outgoing frame at the moment SendAsync is called, so a test can
/// assert synchronously (right after advancing a fake clock) whether the client sent something.
/// </summary>
internal sealed class RecordingWebSocket(WebSocket inner) : WebSocket
{
    public ConcurrentQueue<string> Sent { get; } = new();

    public WebSocket Inner => inner;

    public int Count(string eventName) => Sent.Count(f => f.Contains($"\"event\":\"{eventName}\"", StringComparison.Ordinal));

    public static Func<Uri, CancellationToken, ValueTask<WebSocket>> Factory(List<RecordingWebSocket> sockets) => async (uri, ct) =>
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, ct);
        var recording = new RecordingWebSocket(socket);
        lock (sockets)
        {
            sockets.Add(recording);
        }

        return recording;
    };

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Sent.Enqueue(Encoding.UTF8.GetString(buffer.Span));
        return inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReceiveAsync(buffer, cancellationToken);

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) => inner.ReceiveAsync(buffer, cancellationToken);

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override void Abort() => inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => inner.Dispose();
}
