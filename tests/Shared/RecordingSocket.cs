using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace PusherWire.Tests.Shared;

/// <summary>
/// Wraps the client's real socket: records each outgoing frame when SendAsync is called (so a test can assert right
/// after advancing a fake clock) and each complete incoming text message.
/// </summary>
internal sealed class RecordingSocket(WebSocket inner, Uri uri, Signal changed) : ForwardingWebSocket(inner)
{
    private readonly List<byte> _partial = [];

    public Uri Uri { get; } = uri;

    public ConcurrentQueue<string> Sent { get; } = new();

    public ConcurrentQueue<string> Received { get; } = new();

    private int _receiveCalls;
    private int _completed;
    private int _handedOver;

    /// <summary>ReceiveAsync calls so far.</summary>
    public int ReceiveCalls => Volatile.Read(ref _receiveCalls);

    /// <summary>
    /// Complete incoming messages the client has taken in: it came back to ReceiveAsync after the message's last bytes,
    /// so whatever the receive loop does per message (stamping activity for the keepalive) is done.
    /// </summary>
    public int HandedOver => Volatile.Read(ref _handedOver);

    /// <summary>Whether an incoming <paramref name="eventName"/> frame has been taken in (see <see cref="HandedOver"/>).</summary>
    public bool HasTakenIn(string eventName) =>
        Received.Take(HandedOver).Any(f => f.Contains($"\"event\":\"{eventName}\"", StringComparison.Ordinal));

    public int CountSent(string eventName) => Sent.Count(f => f.Contains($"\"event\":\"{eventName}\"", StringComparison.Ordinal));

    public int CountReceived(string eventName) => Received.Count(f => f.Contains($"\"event\":\"{eventName}\"", StringComparison.Ordinal));

    /// <summary>
    /// Records the client's default socket (PusherOptions.DefaultSocketDecorator): the client still connects it and
    /// reads it the way it does in production, on its dedicated receive thread unless the test turns that off.
    /// </summary>
    public static Func<Uri, WebSocket, WebSocket> Decorator(List<RecordingSocket> sockets, Signal changed) => (uri, socket) =>
    {
        var recording = new RecordingSocket(socket, uri, changed);
        lock (sockets)
        {
            sockets.Add(recording);
        }

        changed.Pulse();
        return recording;
    };

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _receiveCalls);
        Volatile.Write(ref _handedOver, Volatile.Read(ref _completed));
        changed.Pulse();
        ValueWebSocketReceiveResult result = await Inner.ReceiveAsync(buffer, cancellationToken);
        // Only the head of each message is kept: the recorder must not be what holds memory in the slow-consumer tests.
        if (result.MessageType != WebSocketMessageType.Close && _partial.Count < 128)
        {
            _partial.AddRange(buffer.Span[..Math.Min(result.Count, 128 - _partial.Count)].ToArray());
        }

        if (result.EndOfMessage)
        {
            Received.Enqueue(Encoding.UTF8.GetString([.. _partial]));
            Interlocked.Increment(ref _completed);
            _partial.Clear();
            changed.Pulse();
        }

        return result;
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Sent.Enqueue(Encoding.UTF8.GetString(buffer.Span[..Math.Min(buffer.Length, 4096)]));
        changed.Pulse();
        return Inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    /// <summary>How many times the client started its close handshake (its close timeout is running from then on).</summary>
    public int CloseCalls => Volatile.Read(ref _closeCalls);

    private int _closeCalls;

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _closeCalls);
        changed.Pulse();
        return Inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);
    }
}
