using System.Net;
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
/// <para>
/// The socket never uses the runtime's asynchronous socket operations: the first one would register it with the
/// runtime's epoll thread for good, and from then on every arriving segment wakes that thread, which queues a work item,
/// which wakes a pool worker that finds nothing to do and spins before it sleeps — several context switches per message
/// competing with the receive thread for the CPU (measured: ten times as many switches as the receive thread's own;
/// docs/performance.md). So the socket is non-blocking from the start and one thread per connection does all its waiting
/// in <c>poll</c>: it connects (<see cref="ConnectAsync"/>), serves the TLS and HTTP upgrade handshakes' reads (their
/// continuations go to the pool), and from <see cref="RunReceiveThread{T}"/> on runs the receive loop itself.
/// </para>
/// <para>
/// In the receive loop a read from the thread (the normal case) is synchronous: a non-blocking <c>recv</c>, and
/// <c>poll</c> while there is nothing to read. When the loop calls from another thread (it resumed there after an await
/// went async, e.g. a full Wait-policy reader) the read is handed to the thread, which performs it and runs the loop's
/// continuation itself, so the loop is back on its thread: the returned task reports itself pending to every other
/// thread until then. Bytes already buffered are served to whichever thread asks. Reads go through a 64 KiB buffer: one
/// <c>recv</c> serves dozens of small messages in a burst and returns whatever is there, so a lone message is never held
/// back. Writes are a non-blocking <c>send</c> on the writer's thread; only when the kernel's send buffer is full (a peer
/// that stopped reading) does a write fall back to the runtime's asynchronous send.
/// </para>
/// </remarks>
internal sealed class ReceiveThreadStream : Stream, IValueTaskSource<int>
{
    private const int BufferSize = 64 * 1024;

    /// <summary>How long one poll waits before the thread looks at its stop flags again; shutdown wakes it sooner.</summary>
    private const int PollSliceMicroseconds = 1_000_000;

    /// <summary>
    /// The slice while connecting and during the handshakes, when a cancelled token (the connect timeout) must be noticed
    /// without anything waking the poll.
    /// </summary>
    private const int HandshakePollSliceMicroseconds = 20_000;

    private Socket _socket = null!; // set by the thread before ConnectAsync returns
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
    private Action? _startReceiveLoop;
    private Action? _wouldBlock;
    private ExecutionContext? _continuationContext;
    private volatile bool _requestPending;
    private bool _threadExited; // under _requestGate: reads are then served on the caller's thread, continuations on the pool
    private volatile bool _stopped;
    private volatile bool _disposed;

    private ReceiveThreadStream()
    {
    }

    /// <summary>The connection's thread (tests join it to see that it ended).</summary>
    internal Thread Thread => _thread!;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Resolves the host, starts the connection's thread and connects there (each address in turn, as the runtime's own
    /// connect does; no Nagle), without the runtime's asynchronous socket operations.
    /// </summary>
    public static async ValueTask<ReceiveThreadStream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = IPAddress.TryParse(endPoint.Host, out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var stream = new ReceiveThreadStream();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => stream.Run(addresses, endPoint.Port, connected, cancellationToken))
        {
            IsBackground = true,
            Name = "PusherWire receive",
        };
        stream._thread = thread;
        thread.UnsafeStart(); // no ExecutionContext to carry: the thread owns its own state
        try
        {
            await connected.Task.ConfigureAwait(false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }

    private void Run(IPAddress[] addresses, int port, TaskCompletionSource connected, CancellationToken cancellationToken)
    {
        try
        {
            _socket = Connect(addresses, port, cancellationToken);
        }
        catch (Exception e)
        {
            connected.SetException(e);
            return;
        }

        connected.SetResult();
        // The handshakes: serve their reads, their continuations run on the pool, until the receive loop is handed over
        // (or the stream is disposed: the connect token does not end the stream, Dispose does, and wakes this).
        Serve(continuationsHere: false, () => Volatile.Read(ref _startReceiveLoop) is not null || (_disposed && TryExit(handshakes: true)));
        if (!_threadExited)
        {
            _startReceiveLoop!();
        }
    }

    /// <summary>
    /// Serves handed-over reads and runs (here, or on the pool) their continuations until <paramref name="leave"/> says
    /// so. Reset before looking and look at everything before waiting: signals that arrive together (or while this
    /// thread is busy running the loop inline) are never lost.
    /// </summary>
    private void Serve(bool continuationsHere, Func<bool> leave)
    {
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
                if (continuationsHere)
                {
                    ready.Run();
                }
                else
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), ready, preferLocal: false);
                }
            }
            else if (leave())
            {
                return;
            }
            else
            {
                _wake.Wait(CancellationToken.None);
            }
        }
    }

    private Socket Connect(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            Socket socket;
            try
            {
                // Non-blocking before anything else: connect, send and recv then go straight to the system calls.
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false, NoDelay = true };
            }
            catch (SocketException e)
            {
                last = e; // e.g. no IPv6 on this machine: try the next address
                continue;
            }

            try
            {
                try
                {
                    socket.Connect(new IPEndPoint(address, port));
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    // Writable once the attempt has ended, either way; SO_ERROR says which.
                    while (!socket.Poll(HandshakePollSliceMicroseconds, SelectMode.SelectWrite))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        ObjectDisposedException.ThrowIf(_disposed, this);
                    }

                    var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                    if (error != SocketError.Success)
                    {
                        throw new SocketException((int)error);
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>
    /// Hands the connection's thread <paramref name="body"/> (the receive loop) to run once the handshakes are over. The
    /// returned task completes, on the thread pool, when the body's task does; the thread then ends.
    /// </summary>
    /// <param name="body">The receive loop.</param>
    /// <param name="wouldBlock">Called on the thread just before it waits for the network (at most once per wait).</param>
    public Task<T> RunReceiveThread<T>(Func<Task<T>> body, Action wouldBlock)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _wouldBlock = wouldBlock;
        lock (_requestGate)
        {
            if (_threadExited)
            {
                return Task.FromException<T>(new ObjectDisposedException(nameof(ReceiveThreadStream)));
            }

            Volatile.Write(ref _startReceiveLoop, () => Pump(body, done));
        }

        _wake.Set();
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
        // The loop left this thread at an await that went async: serve its next read here, until it ends.
        Serve(continuationsHere: true, () => (_stopped || task.IsCompleted) && TryExit(handshakes: false));

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

    /// <summary>
    /// Leaves only when no read is waiting to be served and no continuation to be run; from then on a read is served on
    /// its caller's thread and a continuation registered late goes to the pool, so nothing waits for a thread that is gone
    /// (a handshake read outstanding when the stream is disposed; the WebSocket's close reading after the loop ended).
    /// </summary>
    private bool TryExit(bool handshakes)
    {
        lock (_requestGate)
        {
            // During the handshakes, a receive loop handed over meanwhile is run, not dropped.
            if (_requestPending || _continuationReady || (handshakes && _startReceiveLoop is not null))
            {
                return false;
            }

            _threadExited = true;
            return true;
        }
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

    private ReadyContinuation? TakeReadyContinuation()
    {
        lock (_requestGate)
        {
            if (!_continuationReady)
            {
                return null;
            }

            var ready = new ReadyContinuation(_continuation!, _continuationState, _continuationContext);
            _continuationReady = false;
            _continuation = null;
            _continuationState = null;
            _continuationContext = null;
            return ready;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_count > 0)
        {
            return new ValueTask<int>(CopyOut(buffer.Span));
        }

        if (Thread.CurrentThread == _thread)
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
        short version = 0;
        bool handedOver;
        lock (_requestGate)
        {
            handedOver = !_threadExited;
            if (handedOver)
            {
                version = ++_requestVersion;
                _requestDone = false;
                _requestError = null;
                _requestBuffer = buffer;
                _requestToken = cancellationToken;
                _requestPending = true;
            }
        }

        if (!handedOver)
        {
            try
            {
                return new ValueTask<int>(ReadOnThread(buffer.Span, cancellationToken, tellIdle: false));
            }
            catch (Exception e)
            {
                return ValueTask.FromException<int>(e);
            }
        }

        _wake.Set();
        return new ValueTask<int>(this, version);
    }

    /// <summary>Fills the buffer from the socket, waiting in poll (on this thread) while there is nothing to read.</summary>
    private int ReadOnThread(Span<byte> destination, CancellationToken cancellationToken, bool tellIdle = true)
    {
        bool toldIdle = !tellIdle;
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
            _socket.Poll(_startReceiveLoop is null ? HandshakePollSliceMicroseconds : PollSliceMicroseconds, SelectMode.SelectRead);
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

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                int sent = _socket.Send(buffer.Span, SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock)
                {
                    // The send buffer is full: the peer is not reading. Rare, so the runtime's async send waits for room
                    // (it registers the socket with the epoll thread from then on; see the remarks).
                    return SendRestAsync(buffer, cancellationToken);
                }

                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }

                buffer = buffer[sent..];
            }

            return default;
        }
        catch (SocketException e)
        {
            return ValueTask.FromException(new IOException($"Unable to write data to the transport connection: {e.Message}", e));
        }
        catch (ObjectDisposedException e)
        {
            return ValueTask.FromException(e);
        }
    }

    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                buffer = buffer[await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
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
                _socket?.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Not connected any more: nothing to wake.
            }

            _socket?.Dispose();
            _wake.Set(); // a thread still serving the handshakes ends
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
        // Library code awaits with ConfigureAwait(false): no scheduling context to honour. The execution context is kept
        // when asked for (an awaiter that is not an async method's builder, e.g. during the handshakes).
        ExecutionContext? context = (flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0 ? ExecutionContext.Capture() : null;
        bool toThread;
        lock (_requestGate)
        {
            if (!_requestDone)
            {
                _continuation = continuation;
                _continuationState = state;
                _continuationContext = context;
                return; // ServeRequest marks it ready
            }

            toThread = !_threadExited;
            if (toThread)
            {
                _continuation = continuation;
                _continuationState = state;
                _continuationContext = context;
                _continuationReady = true;
            }
        }

        if (toThread)
        {
            _wake.Set();
            return;
        }

        // The thread has gone (the stream was disposed or the loop ended): the pool runs it.
        ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), new ReadyContinuation(continuation, state, context), preferLocal: false);
    }

    /// <summary>A read's continuation, ready to run (in the execution context it was registered with, if any).</summary>
    private readonly record struct ReadyContinuation(Action<object?> Continuation, object? State, ExecutionContext? Context)
    {
        public void Run()
        {
            if (Context is null)
            {
                Continuation(State);
            }
            else
            {
                ExecutionContext.Run(Context, static s => { var (c, st) = ((Action<object?>, object?))s!; c(st); }, (Continuation, State));
            }
        }
    }
}
