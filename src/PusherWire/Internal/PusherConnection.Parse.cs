using System.Buffers;
using System.Text.Json;

namespace PusherWire.Internal;

// The parse side: message → frame → routing, and the handling of the pusher: frames the connection itself owns.
internal sealed partial class PusherConnection
{
    /// <summary>
    /// Parses and routes one complete message given in segments (tests, the fuzzer and the benchmarks split messages
    /// this way); joins them first when there is more than one.
    /// </summary>
    internal ValueTask ProcessMessage(ReadOnlySequence<byte> message)
    {
        if (message.IsSingleSegment)
        {
            return ProcessMessage(message.FirstSpan);
        }

        EnsureCapacity(ref _joinBuffer, (int)message.Length);
        message.CopyTo(_joinBuffer);
        return ProcessMessage(_joinBuffer.AsSpan(0, (int)message.Length));
    }

    /// <summary>Parses and routes one complete message. Internal so tests and benchmarks can drive it without a socket.</summary>
    internal ValueTask ProcessMessage(ReadOnlySpan<byte> span)
    {
        EnsureCapacity(ref _scratch, span.Length);
        if (!FrameParser.TryParse(span, _scratch, out ParsedFrame frame, out string? error))
        {
            _owner.OnError(new PusherProtocolException($"A received frame of {span.Length} bytes was skipped: {error}."));
            return ValueTask.CompletedTask;
        }

        return HandleFrame(frame);
    }

    private ValueTask HandleFrame(in ParsedFrame frame)
    {
        ReadOnlySpan<byte> name = frame.EventName;
        if (name.StartsWith("pusher:"u8))
        {
            if (name.SequenceEqual("pusher:ping"u8))
            {
                _ = SendAsync(static f => f.Pong(), CancellationToken.None);
                return ValueTask.CompletedTask;
            }

            if (name.SequenceEqual("pusher:pong"u8))
            {
                return ValueTask.CompletedTask;
            }

            if (name.SequenceEqual("pusher:connection_established"u8))
            {
                if (_established.Task.IsCompleted)
                {
                    // A second handshake on the same socket would start a second keepalive timer (and leak the first).
                    _owner.OnError(new PusherProtocolException("A repeated pusher:connection_established was ignored."));
                    return ValueTask.CompletedTask;
                }

                HandleEstablished(frame.Data);
                return ValueTask.CompletedTask;
            }

            if (name.SequenceEqual("pusher:error"u8))
            {
                HandleServerError(frame.Data);
                return ValueTask.CompletedTask;
            }
        }

        if (!_established.Task.IsCompleted)
        {
            _owner.OnError(new PusherProtocolException("A frame arrived before pusher:connection_established and was ignored."));
            return ValueTask.CompletedTask;
        }

        return _owner.OnFrameAsync(this, frame);
    }

    private void HandleEstablished(ReadOnlySpan<byte> data)
    {
        string? socketId = null;
        int? activitySeconds = null;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = FrameParser.MaxDepth });
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isSocket = reader.ValueTextEquals("socket_id"u8);
                    bool isActivity = reader.ValueTextEquals("activity_timeout"u8);
                    reader.Read();
                    if (isSocket && reader.TokenType == JsonTokenType.String)
                    {
                        socketId = reader.GetString();
                    }
                    else if (isActivity && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int seconds) && seconds > 0)
                    {
                        activitySeconds = seconds;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: GetString on invalid UTF-8 (binary messages are not UTF-8-validated).
            socketId = null;
        }

        if (string.IsNullOrEmpty(socketId))
        {
            var error = new PusherProtocolException("pusher:connection_established carried no socket_id.");
            Fail(error);
            _established.TrySetException(error);
            Abort();
            return;
        }

        SocketId = socketId;
        ActivityTimeout = activitySeconds is { } s && TimeSpan.FromSeconds(s) < _options.ActivityTimeout
            ? TimeSpan.FromSeconds(s)
            : _options.ActivityTimeout;
        StartKeepalive();
        _established.TrySetResult();
    }

    private void HandleServerError(ReadOnlySpan<byte> data)
    {
        int? code = null;
        string message = "";
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = FrameParser.MaxDepth });
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isCode = reader.ValueTextEquals("code"u8);
                    bool isMessage = reader.ValueTextEquals("message"u8);
                    reader.Read();
                    if (isCode && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int c))
                    {
                        code = c;
                    }
                    else if (isMessage && reader.TokenType == JsonTokenType.String)
                    {
                        message = reader.GetString() ?? "";
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            message = "(unreadable pusher:error data)";
        }

        var error = new PusherServerErrorException(code, message, PusherCloseCodes.GetCloseAction(code));
        if (!_established.Task.IsCompleted && code is not null)
        {
            // A handshake refusal (pusher-js: processHandshake → getCloseAction).
            Fail(error);
            _established.TrySetException(error);
            Abort();
            return;
        }

        // After the handshake a pusher:error is reported, not acted on: as in pusher-js, only the close code decides
        // what happens when the connection ends. (Remembering it would let a channel-level 4009 turn a later network
        // blip into a permanent refusal.)
        _owner.OnError(error);
    }

    private static void EnsureCapacity(ref byte[] buffer, int length)
    {
        if (buffer.Length >= length)
        {
            return;
        }

        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 4096));
    }

    private void ReturnBuffers()
    {
        if (_joinBuffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_joinBuffer);
            _joinBuffer = [];
        }

        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }
}
