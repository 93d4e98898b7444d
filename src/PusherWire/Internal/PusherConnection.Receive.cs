using System.Buffers;
using System.Net.WebSockets;

namespace PusherWire.Internal;

// The receive side: one task reads each WebSocket message into a pooled buffer and parses and routes it in place.
internal sealed partial class PusherConnection
{
    // The message being received (the receive loop's state between its steps; only the loop touches these).
    private byte[] _receiveBuffer = [];
    private int _receiveFilled;
    private long _receiveTotal;
    private MessageSkip _receiveSkip;
    private CancellationToken _receiveToken;

    /// <summary>
    /// The session's only reader. Each message is received into one pooled buffer (grown for a multi-frame message,
    /// never past MaxMessageSize) and handed to <see cref="ProcessMessage(ReadOnlySpan{byte})"/> on the same task: no
    /// pipe, no second task, no per-message flush or hand-off. A reader queue that is full under the Wait policy
    /// therefore stops the socket reads too, which is the back-pressure that policy asks for.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        _receiveBuffer = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
        // Abort() cancels the lifetime and then aborts the socket, and on the receive thread's stream that alone ends a
        // read at once: no per-read token registration there (one Register/Unregister pair per message otherwise).
        _receiveToken = _readsOnOwnThread ? CancellationToken.None : _lifetime.Token;
        try
        {
            // One call per WebSocket read, and nothing else here, on purpose: a method that never returns is optimised
            // only by on-stack replacement, compiled on the thread running it. With the whole receive step in this loop
            // that compile stalled the receive thread 10–20 ms about a second into the first connection
            // (docs/performance.md); the step is an ordinary method, which the JIT promotes in the background.
            while (true)
            {
                ValueTask<bool> step = ReceiveStepAsync();
                if (!(step.IsCompletedSuccessfully ? step.Result : await step.ConfigureAwait(false)))
                {
                    break;
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
            Fail(_pongTimedOut ? PongTimeoutError() : new PusherConnectionException($"The connection was lost: {e.Message}", e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_receiveBuffer);
            _receiveBuffer = [];
            ReturnBuffers();
        }
    }

    /// <summary>One WebSocket read, and the message it completes parsed and routed; false once the peer has closed.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveStepAsync()
    {
        WebSocket socket = _socket!;
        // A skipped message's remaining bytes are read over the buffer's start and thrown away: memory stays bounded.
        Memory<byte> memory = _receiveSkip == MessageSkip.None ? _receiveBuffer.AsMemory(_receiveFilled) : _receiveBuffer;
        _betweenMessages = _receiveTotal == 0;
        ValueTask<ValueWebSocketReceiveResult> receive = socket.ReceiveAsync(memory, _receiveToken);
        if (!receive.IsCompleted && _receiveTotal == 0 && !_readsOnOwnThread)
        {
            // Caught up with the network between messages: the moment to flush what handlers batched.
            _owner.OnReceiveIdle(this);
        }

        ValueWebSocketReceiveResult result = await receive.ConfigureAwait(false);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            await AcknowledgeCloseAsync(socket).ConfigureAwait(false);
            return false;
        }

        MarkActivity();
        _receiveTotal += result.Count;
        if (_receiveSkip == MessageSkip.None)
        {
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                _receiveSkip = MessageSkip.Binary;
            }
            else if (_receiveTotal > _options.MaxMessageSize)
            {
                _receiveSkip = MessageSkip.Oversized;
            }
            else
            {
                _receiveFilled += result.Count;
                if (!result.EndOfMessage && _receiveFilled == _receiveBuffer.Length)
                {
                    _receiveBuffer = Grow(_receiveBuffer, _receiveFilled);
                }
            }
        }

        if (!result.EndOfMessage)
        {
            return true;
        }

        if (_receiveSkip == MessageSkip.None)
        {
            ValueTask pending = ProcessReceived(_receiveBuffer.AsSpan(0, _receiveFilled));
            if (!pending.IsCompletedSuccessfully)
            {
                await pending.ConfigureAwait(false);
            }
        }
        else
        {
            ReportSkipped(_receiveSkip, _receiveTotal);
        }

        if (_receiveBuffer.Length > RetainedReceiveSize)
        {
            // One large message must not pin a large buffer for the rest of the session.
            ArrayPool<byte>.Shared.Return(_receiveBuffer);
            _receiveBuffer = ArrayPool<byte>.Shared.Rent(InitialReceiveSize);
        }

        _receiveFilled = 0;
        _receiveTotal = 0;
        _receiveSkip = MessageSkip.None;
        return true;
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
