using System.Buffers;
using System.Net.WebSockets;

namespace PusherWire.Internal;

// The receive side: one task reads each WebSocket message into a pooled buffer and parses and routes it in place.
internal sealed partial class PusherConnection
{
    /// <summary>
    /// The session's only reader. Each message is received into one pooled buffer (grown for a multi-frame message,
    /// never past MaxMessageSize) and handed to <see cref="ProcessMessage(ReadOnlySpan{byte})"/> on the same task: no
    /// pipe, no second task, no per-message flush or hand-off. A reader queue that is full under the Wait policy
    /// therefore stops the socket reads too, which is the back-pressure that policy asks for.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        WebSocket socket = _socket!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
        int filled = 0;
        long total = 0;
        MessageSkip skip = MessageSkip.None;
        // Abort() cancels the lifetime and then aborts the socket, and on the receive thread's stream that alone ends a
        // read at once: no per-read token registration there (one Register/Unregister pair per message otherwise).
        CancellationToken readToken = _readsOnOwnThread ? CancellationToken.None : _lifetime.Token;
        try
        {
            while (true)
            {
                // A skipped message's remaining bytes are read over the buffer's start and thrown away: memory stays bounded.
                Memory<byte> memory = skip == MessageSkip.None ? buffer.AsMemory(filled) : buffer;
                _betweenMessages = total == 0;
                ValueTask<ValueWebSocketReceiveResult> receive = socket.ReceiveAsync(memory, readToken);
                if (!receive.IsCompleted && total == 0 && !_readsOnOwnThread)
                {
                    // Caught up with the network between messages: the moment to flush what handlers batched.
                    _owner.OnReceiveIdle(this);
                }

                ValueWebSocketReceiveResult result = await receive.ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AcknowledgeCloseAsync(socket).ConfigureAwait(false);
                    break;
                }

                MarkActivity();
                total += result.Count;
                if (skip == MessageSkip.None)
                {
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        skip = MessageSkip.Binary;
                    }
                    else if (total > _options.MaxMessageSize)
                    {
                        skip = MessageSkip.Oversized;
                    }
                    else
                    {
                        filled += result.Count;
                        if (!result.EndOfMessage && filled == buffer.Length)
                        {
                            buffer = Grow(buffer, filled);
                        }
                    }
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (skip == MessageSkip.None)
                {
                    ValueTask pending = ProcessReceived(buffer.AsSpan(0, filled));
                    if (!pending.IsCompletedSuccessfully)
                    {
                        await pending.ConfigureAwait(false);
                    }
                }
                else
                {
                    ReportSkipped(skip, total);
                }

                if (buffer.Length > RetainedReceiveSize)
                {
                    // One large message must not pin a large buffer for the rest of the session.
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
                }

                filled = 0;
                total = 0;
                skip = MessageSkip.None;
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Ended on purpose (Abort, close, keepalive): RunAsync works out why.
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // An aborted ClientWebSocket surfaces as OperationCanceledException("Aborted") even without our token.
            Fail(_pongTimedOut ? PongTimeoutError() : new PusherConnectionException($"The connection was lost: {e.Message}", e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ReturnBuffers();
        }
    }

    /// <summary>Parses and routes one received message; a parser failure skips that message only.</summary>
    private ValueTask ProcessReceived(ReadOnlySpan<byte> message)
    {
        try
        {
            return ProcessMessage(message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Defence in depth (the fuzzer drives ProcessMessage directly and finds these at the root): one message the
            // parser chokes on is skipped, the next one still routes.
            _owner.OnError(new PusherProtocolException($"A received frame of {message.Length} bytes was skipped: {e.GetType().Name}.", e));
            return ValueTask.CompletedTask;
        }
    }

    private void ReportSkipped(MessageSkip skip, long length)
    {
        if (skip == MessageSkip.Oversized)
        {
            _owner.OnError(new PusherMessageTooLargeException(length, _options.MaxMessageSize));
        }
        else
        {
            _owner.OnError(new PusherProtocolException($"A binary message of {length} bytes was skipped: Pusher messages are JSON text."));
        }
    }

    /// <summary>Doubles the buffer for a message that spans more frames, up to one byte past MaxMessageSize.</summary>
    private byte[] Grow(byte[] buffer, int filled)
    {
        int size = (int)Math.Min(buffer.Length * 2L, _options.MaxMessageSize + 1L);
        if (size <= buffer.Length)
        {
            return buffer; // cannot happen: filled == buffer.Length > MaxMessageSize would have been skipped
        }

        byte[] grown = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, filled).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(buffer);
        return grown;
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
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already; the close code we received is what matters.
        }
    }
}
