using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Json;

namespace PusherWire.Internal;

/// <summary>
/// One WebSocket's lifetime: the receive loop (socket → pipe), the parse loop (pipe → frames), the handshake, keepalive
/// and serialized sends. The client creates a new one for every (re)connect.
/// </summary>
internal sealed class PusherConnection : IAsyncDisposable
{
    private const int ReceiveChunkSize = 8 * 1024;

    private readonly IConnectionOwner _owner;
    private readonly PusherOptions _options;
    private readonly TimeProvider _time;
    private readonly Pipe _pipe;
    private readonly ConcurrentQueue<MessageMark> _marks = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly FrameWriter _frames = new();
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _timerLock = new();
    private WebSocket? _socket;
    private Task<SessionEnd>? _completion;
    private ITimer? _keepaliveTimer;
    private long _lastActivity;
    private long _pingSentAt;
    private bool _pingOutstanding;
    private volatile bool _pongTimedOut;
    private volatile bool _sendTimedOut;
    private PusherException? _receiveError;
    private byte[] _joinBuffer = [];
    private byte[] _scratch = [];
    private int _disposed;

    public PusherConnection(IConnectionOwner owner, PusherOptions options)
    {
        _owner = owner;
        _options = options;
        _time = options.TimeProvider;
        long pause = Math.Max(options.MaxMessageSize * 4L, 1024 * 1024);
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: pause,
            resumeWriterThreshold: pause / 2,
            minimumSegmentSize: 16 * 1024,
            useSynchronizationContext: false));
    }

    /// <summary>The socket id from <c>pusher:connection_established</c>.</summary>
    public string SocketId { get; private set; } = "";

    /// <summary>min(option, server activity_timeout).</summary>
    public TimeSpan ActivityTimeout { get; private set; }

    /// <summary>Cancelled when this connection ends; used to abandon work (auth requests) tied to it.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Completes when the connection has ended, with why.</summary>
    public Task<SessionEnd> Completion => _completion ?? Task.FromResult(new SessionEnd(null, null, null));

    /// <summary>Connects the socket and waits for <c>pusher:connection_established</c>, all within ConnectTimeout.</summary>
    public async Task OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            _socket = _options.WebSocketFactory is { } factory
                ? await factory(uri, linked.Token).ConfigureAwait(false)
                : await ConnectDefaultAsync(uri, linked.Token).ConfigureAwait(false);
            MarkActivity();
            _completion = RunAsync();
            Task finished = await Task.WhenAny(_established.Task, _completion).WaitAsync(linked.Token).ConfigureAwait(false);
            if (finished != _established.Task)
            {
                SessionEnd end = await _completion.ConfigureAwait(false);
                throw end.Error as Exception ?? new PusherConnectionException(
                    $"The connection closed during the handshake (close code {end.CloseCode?.ToString() ?? "none"}).");
            }

            await _established.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw new PusherConnectionException($"Connecting to {_options.Host} did not complete within {_options.ConnectTimeout.TotalSeconds:0.###} s.");
        }
        catch (WebSocketException e)
        {
            Abort();
            throw new PusherConnectionException($"Could not connect to {_options.Host}: {e.Message}", e);
        }
        catch (Exception e) when (e is System.Net.Http.HttpRequestException or System.Net.Sockets.SocketException)
        {
            Abort();
            throw new PusherConnectionException($"Could not connect to {_options.Host}: {e.Message}", e);
        }
        catch
        {
            Abort();
            throw;
        }
    }

    private static async ValueTask<WebSocket> ConnectDefaultAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // Pusher keepalive is done with pusher:ping at the protocol level, as pusher-js does.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<SessionEnd> RunAsync()
    {
        Task receive = Task.Run(ReceiveLoopAsync);
        try
        {
            await ParseLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in the parse path must end this connection cleanly (and so reconnect), never leave the socket
            // open with nobody reading it.
            _receiveError ??= new PusherConnectionException($"The receive path failed: {e.GetType().Name}.", e);
            Abort();
        }

        await receive.ConfigureAwait(false);
        StopKeepalive();
        _lifetime.Cancel();
        _established.TrySetException(_receiveError ?? new PusherConnectionException("The connection closed during the handshake."));
        WebSocket socket = _socket!;
        int? closeCode = socket.CloseStatus is { } status ? (int)status : null;
        // The keepalive aborts the socket on a pong timeout; the read may then end as a cancellation, not an error.
        PusherException? error = _sendTimedOut ? SendTimeoutError() : _receiveError ?? (_pongTimedOut ? PongTimeoutError() : null);
        if (error is null && closeCode is not null && closeCode != (int)WebSocketCloseStatus.NormalClosure)
        {
            CloseAction action = PusherCloseCodes.GetCloseAction(closeCode);
            error = new PusherServerErrorException(closeCode, socket.CloseStatusDescription ?? "", action);
        }

        return new SessionEnd(closeCode, null, error, _pongTimedOut);
    }

    // ---- receive: socket → pipe -------------------------------------------------------------------------------------

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

    // ---- parse: pipe → frames ---------------------------------------------------------------------------------------

    private async Task ParseLoopAsync()
    {
        PipeReader reader = _pipe.Reader;
        MessageMark? next = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (TryTakeMark(ref next, buffer.Length, out MessageMark mark))
                {
                    ReadOnlySequence<byte> message = buffer.Slice(0, mark.Written);
                    if (mark.Skip == MessageSkip.Oversized)
                    {
                        _owner.OnError(new PusherMessageTooLargeException(mark.Length, _options.MaxMessageSize));
                    }
                    else if (mark.Skip == MessageSkip.Binary)
                    {
                        _owner.OnError(new PusherProtocolException($"A binary message of {mark.Length} bytes was skipped: Pusher messages are JSON text."));
                    }
                    else
                    {
                        ValueTask pending;
                        try
                        {
                            pending = ProcessMessage(message);
                        }
                        catch (Exception e) when (e is not OutOfMemoryException)
                        {
                            // Defence in depth (the fuzzer drives ProcessMessage directly and finds these at the root):
                            // one message the parser chokes on is skipped, the next one still routes.
                            _owner.OnError(new PusherProtocolException($"A received frame of {message.Length} bytes was skipped: {e.GetType().Name}.", e));
                            pending = ValueTask.CompletedTask;
                        }

                        if (!pending.IsCompletedSuccessfully)
                        {
                            await pending.ConfigureAwait(false);
                        }
                    }

                    buffer = buffer.Slice(mark.Written);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            ReturnBuffers();
        }
    }

    /// <summary>
    /// Takes the next message whose bytes are all in the buffer. A mark whose bytes have not all arrived is held in
    /// <paramref name="held"/> rather than peeked: ConcurrentQueue never reuses a segment that has been peeked, so a
    /// TryPeek per message made a busy connection allocate new, ever larger queue segments.
    /// </summary>
    private bool TryTakeMark(ref MessageMark? held, long available, out MessageMark mark)
    {
        if (held is null)
        {
            if (!_marks.TryDequeue(out MessageMark dequeued))
            {
                mark = default;
                return false;
            }

            held = dequeued;
        }

        mark = held.Value;
        if (available < mark.Written)
        {
            return false;
        }

        held = null;
        return true;
    }

    /// <summary>Parses and routes one complete message. Internal so tests and benchmarks can drive it without a socket.</summary>
    internal ValueTask ProcessMessage(ReadOnlySequence<byte> message)
    {
        ReadOnlySpan<byte> span;
        if (message.IsSingleSegment)
        {
            span = message.FirstSpan;
        }
        else
        {
            EnsureCapacity(ref _joinBuffer, (int)message.Length);
            message.CopyTo(_joinBuffer);
            span = _joinBuffer.AsSpan(0, (int)message.Length);
        }

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
            _receiveError = error;
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
            _receiveError = error;
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

    // ---- keepalive: pusher-js's activity check ----------------------------------------------------------------------

    private void MarkActivity() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    private void StartKeepalive()
    {
        lock (_timerLock)
        {
            _keepaliveTimer = _time.CreateTimer(static s => ((PusherConnection)s!).OnKeepaliveTimer(), this, ActivityTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopKeepalive()
    {
        lock (_timerLock)
        {
            _keepaliveTimer?.Dispose();
            _keepaliveTimer = null;
        }
    }

    /// <summary>
    /// One timer serves both checks. Instead of re-arming on every message (pusher-js's resetActivityCheck), the
    /// receive loop only stamps the time and the timer re-arms itself for the remainder: same timing, no per-message cost.
    /// </summary>
    private void OnKeepaliveTimer()
    {
        bool sendPing = false;
        lock (_timerLock)
        {
            if (_keepaliveTimer is null)
            {
                return;
            }

            long now = _time.GetTimestamp();
            long last = Volatile.Read(ref _lastActivity);
            if (_pingOutstanding)
            {
                if (last > _pingSentAt)
                {
                    _pingOutstanding = false;
                    _keepaliveTimer.Change(Remaining(now, last, ActivityTimeout), Timeout.InfiniteTimeSpan);
                    return;
                }

                // pusher-js: no answer within pongTimeout → close and retry immediately.
                _pongTimedOut = true;
                _keepaliveTimer.Dispose();
                _keepaliveTimer = null;
            }
            else
            {
                TimeSpan remaining = Remaining(now, last, ActivityTimeout);
                if (remaining > TimeSpan.Zero)
                {
                    _keepaliveTimer.Change(remaining, Timeout.InfiniteTimeSpan);
                    return;
                }

                _pingOutstanding = true;
                _pingSentAt = now;
                _keepaliveTimer.Change(_options.PongTimeout, Timeout.InfiniteTimeSpan);
                sendPing = true;
            }
        }

        if (sendPing)
        {
            _ = SendAsync(static f => f.Ping(), CancellationToken.None);
        }
        else
        {
            Abort();
        }
    }

    private PusherConnectionException SendTimeoutError() =>
        new($"A send did not complete within {_options.SendTimeout.TotalSeconds:0.###} s; reconnecting.");

    private PusherConnectionException PongTimeoutError() =>
        new($"No pong within {_options.PongTimeout.TotalSeconds:0.###} s of our ping: the connection is dead.");

    private TimeSpan Remaining(long now, long last, TimeSpan timeout)
    {
        TimeSpan elapsed = _time.GetElapsedTime(last, now);
        return elapsed >= timeout ? TimeSpan.Zero : timeout - elapsed;
    }

    // ---- send -------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Builds a frame with the connection's reused writer and sends it; one send at a time (ClientWebSocket allows no
    /// more). A send that fails or times out aborts the socket, so the client reconnects instead of running on a
    /// half-written stream.
    /// </summary>
    /// <returns>False when the connection is closed or the send failed.</returns>
    public async Task<bool> SendAsync(Func<FrameWriter, ReadOnlyMemory<byte>> build, CancellationToken cancellationToken)
    {
        WebSocket? socket = _socket;
        if (socket is null || _lifetime.IsCancellationRequested)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(_options.SendTimeout, _time);
        using var waitToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _lifetime.Token);
        try
        {
            await _sendLock.WaitAsync(waitToken.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }

        // Once a frame is going out, the caller's token no longer applies: cancelling a WebSocket send mid-frame
        // aborts the socket, so only the send timeout and the connection's own end can stop it. The timeout marks
        // itself as the cause before it aborts (like the pong timeout): otherwise the receive loop, failing first on
        // the aborted socket, reported "the remote party closed the connection" and the real cause was lost.
        using CancellationTokenRegistration onTimeout = timeout.Token.UnsafeRegister(static s => ((PusherConnection)s!).OnSendTimeout(), this);
        try
        {
            if (socket.State != WebSocketState.Open)
            {
                return false;
            }

            ReadOnlyMemory<byte> frame = build(_frames);
            await socket.SendAsync(frame, WebSocketMessageType.Text, true, _lifetime.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            if (!_lifetime.IsCancellationRequested)
            {
                _owner.OnError(new PusherConnectionException("A send failed; reconnecting.", e));
                Abort();
            }

            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void OnSendTimeout()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        _sendTimedOut = true; // reported once, as the reason this connection ended
        Abort();
    }

    // ---- shutdown ---------------------------------------------------------------------------------------------------

    /// <summary>Drops the connection at once, without a close handshake.</summary>
    public void Abort()
    {
        // Lifetime first: the receive loop then knows that the read failing next is this abort, not a network fault.
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already (a close racing the supervisor's cleanup): the connection is over either way.
        }

        try
        {
            _socket?.Abort();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes with a handshake, bounded by CloseTimeout; aborts when the peer does not answer in time.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string? reason)
    {
        WebSocket? socket = _socket;
        if (socket is { State: WebSocketState.Open or WebSocketState.CloseReceived })
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout, _time);
            try
            {
                await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    await socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }

                if (_completion is not null)
                {
                    await _completion.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Bounded shutdown matters more than a polite one.
            }
        }

        Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Abort();
        StopKeepalive();
        if (_completion is not null)
        {
            await _completion.ConfigureAwait(false);
        }

        _socket?.Dispose();
        _frames.Dispose();
        _lifetime.Dispose();
    }
}
