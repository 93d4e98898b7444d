using System.Net.WebSockets;

namespace PusherWire.Internal;

/// <summary>
/// One WebSocket's lifetime: the handshake and the session here; receive, parse, keepalive, send and close live in the
/// partial files named for them. One task receives, parses and routes (see docs/performance.md for why the former
/// socket → pipe → parser pair of tasks was dropped). The client creates a new one for every (re)connect.
/// </summary>
internal sealed partial class PusherConnection : IAsyncDisposable
{
    /// <summary>The receive buffer's starting size; messages above it grow it for as long as they last.</summary>
    private const int InitialReceiveSize = 16 * 1024;

    /// <summary>A receive buffer grown past this is given back after its message.</summary>
    private const int RetainedReceiveSize = 64 * 1024;

    private readonly IConnectionOwner _owner;
    private readonly PusherOptions _options;
    private readonly TimeProvider _time;
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
    private bool _readsOnOwnThread; // DedicatedReceiveThread: its stream reports idleness, Abort alone ends a read
    private bool _betweenMessages; // read by the receive thread's idle hook, written by the loop on the same thread

    public PusherConnection(IConnectionOwner owner, PusherOptions options)
    {
        _owner = owner;
        _options = options;
        _time = options.TimeProvider;
    }

    /// <summary>The socket id from <c>pusher:connection_established</c>.</summary>
    public string SocketId { get; private set; } = "";

    /// <summary>min(option, server activity_timeout).</summary>
    public TimeSpan ActivityTimeout { get; private set; }

    /// <summary>Cancelled when this connection ends; used to abandon work (auth requests) tied to it.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>
    /// The parse loop's reader writes waiting for room (Wait policy), reused per frame. One list per connection: a parse
    /// loop left behind by a shutdown (a callback that never returned) must not share it with the next connection's.
    /// </summary>
    internal List<ValueTask> BlockedWrites { get; } = [];

    /// <summary>Completes when the connection has ended, with why.</summary>
    public Task<SessionEnd> Completion => _completion ?? Task.FromResult(new SessionEnd(null, null, null));

    /// <summary>Connects the socket and waits for <c>pusher:connection_established</c>, all within ConnectTimeout.</summary>
    public async Task OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            ReceiveThreadStream? stream = null;
            _socket = _options.WebSocketFactory is { } factory
                ? await factory(uri, linked.Token).ConfigureAwait(false)
                : _options.DedicatedReceiveThread
                    ? await ConnectWithReceiveThreadAsync(uri, s => stream = s, linked.Token).ConfigureAwait(false)
                    : await ConnectDefaultAsync(uri, linked.Token).ConfigureAwait(false);
            if (_options.WebSocketFactory is null && _options.DefaultSocketDecorator is { } decorate)
            {
                _socket = decorate(uri, _socket);
            }

            MarkActivity();
            // Never on the caller's stack or context: a socket whose reads complete synchronously would otherwise run
            // the whole session inside OpenAsync. On the connection's own thread when it has one, else the pool.
            _readsOnOwnThread = stream is not null;
            _completion = stream is not null ? stream.RunReceiveThread(RunAsync, OnTransportWouldBlock) : Task.Run(RunAsync);
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

    /// <summary>
    /// A <see cref="ClientWebSocket"/> over a <see cref="ReceiveThreadStream"/>: SocketsHttpHandler set up as
    /// ClientWebSocket sets up its own (no pooling, the system proxy, no cookies), but with a connect callback that
    /// hands out the stream. Disposing the handler afterwards leaves the upgraded connection alone, as in the BCL.
    /// </summary>
    private static async ValueTask<WebSocket> ConnectWithReceiveThreadAsync(Uri uri, Action<ReceiveThreadStream> connected, CancellationToken cancellationToken)
    {
        ReceiveThreadStream? stream = null;
        using var handler = new System.Net.Http.SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, token) =>
            {
                ReceiveThreadStream s = await ReceiveThreadStream.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                stream = s; // one request on an unpooled handler: one connection
                return s;
            },
        };
        using var invoker = new System.Net.Http.HttpMessageInvoker(handler, disposeHandler: false);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // pusher:ping at the protocol level, as pusher-js does
        try
        {
            await socket.ConnectAsync(uri, invoker, cancellationToken).ConfigureAwait(false);
            connected(stream!);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The receive thread is about to wait for the network: between messages, that is the idle moment.</summary>
    private void OnTransportWouldBlock()
    {
        if (_betweenMessages)
        {
            _owner.OnReceiveIdle(this);
        }
    }

    private async Task<SessionEnd> RunAsync()
    {
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in the receive path must end this connection cleanly (and so reconnect), never leave the socket
            // open with nobody reading it.
            Fail(new PusherConnectionException($"The receive path failed: {e.GetType().Name}.", e));
            Abort();
        }

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

    /// <summary>Records why the connection ended. The first reason wins: what follows from it (the abort, the failed
    /// read) must not overwrite the cause.</summary>
    private void Fail(PusherException error) => Interlocked.CompareExchange(ref _receiveError, error, null);
}
