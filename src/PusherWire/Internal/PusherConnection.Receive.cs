using System.IO.Pipelines;
using System.Net.WebSockets;

namespace PusherWire.Internal;

// The receive side: socket → pipe, one WebSocket message at a time, with the size and binary-message guards.
internal sealed partial class PusherConnection
{
    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _pipe.Writer;
        WebSocket socket = _socket!;
        byte[]? discard = null;
        int written = 0;
        long total = 0;
        MessageSkip skip = MessageSkip.None;
        try
        {
            while (true)
            {
                Memory<byte> memory = skip != MessageSkip.None ? (discard ??= new byte[ReceiveChunkSize]) : writer.GetMemory(ReceiveChunkSize);
                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(memory, _lifetime.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AcknowledgeCloseAsync(socket).ConfigureAwait(false);
                    break;
                }

                MarkActivity();
                total += result.Count;
                if (result.MessageType == WebSocketMessageType.Binary && skip == MessageSkip.None)
                {
                    // Not committed to the pipe; the rest of the message goes to the throwaway buffer.
                    skip = MessageSkip.Binary;
                }
                else if (skip == MessageSkip.None)
                {
                    writer.Advance(result.Count);
                    written += result.Count;
                    // Past the limit the rest of the message is read into a throwaway buffer: memory stays bounded.
                    if (total > _options.MaxMessageSize)
                    {
                        skip = MessageSkip.Oversized;
                    }
                }

                if (result.EndOfMessage)
                {
                    _marks.Enqueue(new MessageMark(written, total, skip));
                    written = 0;
                    total = 0;
                    skip = MessageSkip.None;
                    FlushResult flush = await writer.FlushAsync(_lifetime.Token).ConfigureAwait(false);
                    if (flush.IsCompleted)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Ended on purpose (Abort, close, keepalive): RunAsync works out why.
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // An aborted ClientWebSocket surfaces as OperationCanceledException("Aborted") even without our token.
            _receiveError = _pongTimedOut ? PongTimeoutError() : new PusherConnectionException($"The connection was lost: {e.Message}", e);
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task AcknowledgeCloseAsync(WebSocket socket)
    {
        if (socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout, _time);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The peer is gone already; the close code we received is what matters.
        }
    }
}
