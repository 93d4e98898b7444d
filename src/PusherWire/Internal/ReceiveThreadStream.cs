using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace PusherWire.Internal;

// The TCP stream under the default ClientWebSocket when the connection reads on a thread of its own: blocking poll +
// recv there, so a message that arrives wakes the reading thread itself, with no epoll → thread-pool hand-off.
/// <summary>
/// The connection's TCP stream, as <see cref="System.Net.Http.SocketsHttpHandler"/> gets it from its connect callback
/// (TLS and the WebSocket framing sit above it, unchanged).
/// </summary>
/// <remarks>
/// Until <see cref="RunReceiveThread{T}"/> starts, it behaves like a plain socket stream (async reads and writes: the
/// TLS and HTTP upgrade handshakes). From then on every read of the network is done by that one thread. When the receive
/// loop calls from it (the normal case) the read is synchronous: a non-blocking <c>recv</c>, and <c>poll</c> while there
/// is nothing to read. When the loop calls from another thread (it resumed there after an await went async, e.g. a full
/// Wait-policy reader) the read is handed to the thread, which performs it and runs the loop's continuation itself, so
/// the loop is back on its thread: the returned task reports itself pending to every other thread until then. Bytes
/// already buffered are served to whichever thread asks. Reads go through a 64 KiB buffer: one <c>recv</c> serves
/// dozens of small messages in a burst and returns whatever is there, so a lone message is never held back. Writes
/// stay asynchronous on the socket.
/// </remarks>
internal sealed class ReceiveThreadStream : Stream, IValueTaskSource<int>
{
    private const int BufferSize = 64 * 1024;

    /// <summary>How long one poll waits before the thread looks at its stop flags again; shutdown wakes it sooner.</summary>
    private const int PollSliceMicroseconds = 1_000_000;

    private readonly Socket _socket;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferSize);
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly Lock _requestGate = new();
    private Memory<byte> _requestBuffer;
    private CancellationToken _requestToken;
    private short _requestVersion;
    private bool _requestDone;
    private int _requestResult;
    private Exception? _requestError;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private bool _continuationReady; // the read is done and its continuation registered: the thread runs it next
    private int _offset;
    private int _count;
    private Thread? _thread;
    private Action? _wouldBlock;
    private volatile bool _requestPending;
    private volatile bool _stopped;
    private volatile bool _disposed;

    public ReceiveThreadStream(Socket socket) => _socket = socket;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Connects a TCP socket the way SocketsHttpHandler's default does (dual mode, no Nagle) and wraps it.</summary>
    public static async ValueTask<ReceiveThreadStream> ConnectAsync(System.Net.DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            // The receive thread's reads must return at once when there is nothing to read (it then polls); async
            // operations are unaffected by this flag.
            socket.Blocking = false;
            return new ReceiveThreadStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the thread that owns this stream's reads and runs <paramref name="body"/> on it (the receive loop). The
    /// returned task completes, on the thread pool, when the body's task does; the thread then ends.
    /// </summary>
    /// <param name="body">The receive loop.</param>
    /// <param name="wouldBlock">Called on the thread just before it waits for the network (at most once per wait).</param>
    public Task<T> RunReceiveThread<T>(Func<Task<T>> body, Action wouldBlock)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _wouldBlock = wouldBlock;
        var thread = new Thread(() => Pump(body, done)) { IsBackground = true, Name = "PusherWire receive" };
        _thread = thread;
        thread.UnsafeStart(); // no ExecutionContext to carry: the loop owns its own state
        return done.Task;
    }

    private void Pump<T>(Func<Task<T>> body, TaskCompletionSource<T> done)
    {
        Task<T> task;
        try
        {
            task = body();
        }
        catch (Exception e)
        {
            task = Task.FromException<T>(e);
        }

        task.ContinueWith(static (_, state) => ((ReceiveThreadStream)state!).StopPump(), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        // The loop left this thread at an await that went async: serve its next read here, until it ends. Reset before
        // looking and look at everything before waiting: signals that arrive together (or while this thread is busy
        // running the loop inline) are never lost.
        while (true)
        {
            _wake.Reset();
            if (_requestPending)
            {
                _requestPending = false;
                ServeRequest();
            }
            else if (TakeReadyContinuation() is { } ready)
            {
                ready.Continuation(ready.State);
            }
            else if (_stopped || task.IsCompleted)
            {
                break;
            }
            else
            {
                _wake.Wait();
            }
        }

        if (task.IsCompletedSuccessfully)
        {
            done.SetResult(task.Result);
        }
        else if (task.IsCanceled)
        {
            done.SetCanceled();
        }
        else
        {
            done.SetException(task.Exception!.InnerExceptions);
        }
    }

    private void StopPump()
    {
        _stopped = true;
        _wake.Set();
    }

    private void ServeRequest()
    {
        Memory<byte> destination = _requestBuffer;
        _requestBuffer = default;
        int read = 0;
        Exception? error = null;
        try
        {
            read = ReadOnThread(destination.Span, _requestToken);
        }
        catch (Exception e)
        {
            error = e;
        }

        lock (_requestGate)
        {
            _requestResult = read;
            _requestError = error;
            _requestDone = true;
            // Registered already: the serve loop runs it next, here, so the loop is back on this thread. (Registered
            // later, OnCompleted marks it ready the same way.)
            _continuationReady = _continuation is not null;
        }
    }

    private (Action<object?> Continuation, object? State)? TakeReadyContinuation()
    {
        lock (_requestGate)
        {
            if (!_continuationReady)
            {
                return null;
            }

            (Action<object?>, object?) ready = (_continuation!, _continuationState);
            _continuationReady = false;
            _continuation = null;
            _continuationState = null;
            return ready;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_count > 0)
        {
            return new ValueTask<int>(CopyOut(buffer.Span));
        }

        Thread? thread = _thread;
        if (thread is null)
        {
            // The handshakes, before the receive thread exists.
            return ReceiveAsync(buffer, cancellationToken);
        }

        if (Thread.CurrentThread == thread)
        {
            try
            {
                return new ValueTask<int>(ReadOnThread(buffer.Span, cancellationToken));
            }
            catch (Exception e)
            {
                return ValueTask.FromException<int>(e);
            }
        }

        // One reader at a time (the WebSocket serialises its receives), so one request slot is enough.
        short version;
        lock (_requestGate)
        {
            version = ++_requestVersion;
            _requestDone = false;
            _requestError = null;
            _requestBuffer = buffer;
            _requestToken = cancellationToken;
        }

        _requestPending = true;
        _wake.Set();
        return new ValueTask<int>(this, version);
    }

    /// <summary>Fills the buffer from the socket, waiting in poll (on this thread) while there is nothing to read.</summary>
    private int ReadOnThread(Span<byte> destination, CancellationToken cancellationToken)
    {
        bool toldIdle = false;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int received = _socket.Receive(_buffer, SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                if (received == 0)
                {
                    return 0; // the peer closed its side
                }

                _offset = 0;
                _count = received;
                return CopyOut(destination);
            }

            if (error != SocketError.WouldBlock)
            {
                throw new IOException($"Unable to read data from the transport connection: {error}.", new SocketException((int)error));
            }

            if (!toldIdle)
            {
                toldIdle = true;
                _wouldBlock?.Invoke();
            }

            cancellationToken.ThrowIfCancellationRequested();
            _socket.Poll(PollSliceMicroseconds, SelectMode.SelectRead);
        }
    }

    private int CopyOut(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _count);
        _buffer.AsSpan(_offset, n).CopyTo(destination);
        _offset += n;
        _count -= n;
        return n;
    }

    private async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException($"Unable to read data from the transport connection: {e.Message}", e);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> send = _socket.SendAsync(buffer, SocketFlags.None, cancellationToken);
        if (send.IsCompletedSuccessfully)
        {
            int sent = send.Result;
            return sent == buffer.Length ? default : SendRestAsync(new ValueTask<int>(0), buffer[sent..], cancellationToken);
        }

        return SendRestAsync(send, buffer, cancellationToken);
    }

    private async ValueTask SendRestAsync(ValueTask<int> send, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                buffer = buffer[await send.ConfigureAwait(false)..];
                if (buffer.IsEmpty)
                {
                    return;
                }

                send = _socket.SendAsync(buffer, SocketFlags.None, cancellationToken);
            }
        }
        catch (SocketException e)
        {
            throw new IOException($"Unable to write data to the transport connection: {e.Message}", e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            try
            {
                // Wakes the receive thread's poll at once (closing the descriptor alone does not, on Linux).
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Not connected any more: nothing to wake.
            }

            _socket.Dispose();
        }

        base.Dispose(disposing);
    }

    int IValueTaskSource<int>.GetResult(short token)
    {
        lock (_requestGate)
        {
            if (token != _requestVersion || !_requestDone)
            {
                throw new InvalidOperationException("The read was awaited twice or before it completed.");
            }

            if (_requestError is { } error)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }

            return _requestResult;
        }
    }

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token)
    {
        // Pending to every other thread even once the read is done: the awaiter then registers its continuation, which
        // this thread runs, so the loop comes back here instead of carrying on on the pool.
        if (Thread.CurrentThread != _thread)
        {
            return ValueTaskSourceStatus.Pending;
        }

        lock (_requestGate)
        {
            return !_requestDone ? ValueTaskSourceStatus.Pending
                : _requestError is null ? ValueTaskSourceStatus.Succeeded
                : _requestError is OperationCanceledException ? ValueTaskSourceStatus.Canceled
                : ValueTaskSourceStatus.Faulted;
        }
    }

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        // Every awaiter on this path is library code awaiting with ConfigureAwait(false): no context to capture.
        lock (_requestGate)
        {
            _continuation = continuation;
            _continuationState = state;
            if (!_requestDone)
            {
                return; // ServeRequest marks it ready
            }

            _continuationReady = true;
        }

        _wake.Set();
    }
}
