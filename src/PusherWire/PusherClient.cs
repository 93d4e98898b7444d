using System.Net.WebSockets;
using System.Text.RegularExpressions;
using PusherWire.Internal;

namespace PusherWire;

/// <summary>
/// A Pusher protocol 7 client: connects, keeps the connection alive and reconnects like pusher-js, authorizes and
/// (re)subscribes channels, and routes every received event to callbacks and async readers.
/// </summary>
/// <remarks>
/// Callbacks bound with <see cref="PusherChannel.Bind"/> and <see cref="BindGlobal"/> run on the receive loop, in arrival
/// order, with a zero-copy <see cref="PusherEvent"/>; an exception in one is reported through <see cref="Error"/> and
/// never stops the loop. <see cref="ReadAllAsync"/> decouples slow consumers through bounded queues.
/// </remarks>
public sealed partial class PusherClient : IAsyncDisposable, IConnectionOwner
{
    private readonly Lock _stateLock = new();
    private readonly Lock _channelsLock = new();
    private readonly Lock _globalLock = new();
    private readonly SemaphoreSlim _authLimiter = new(4, 4);
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly EventReaders _readers;
    private readonly Utf8KeyedMap<PusherChannel> _channels = new();
    private PusherEventCallback[] _global = [];
    private ConnectionState _state = ConnectionState.Initialized;
    private PusherConnection? _connection;
    private CancellationTokenSource? _stop;
    private Task _supervisor = Task.CompletedTask;
    private TaskCompletionSource _connectedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _unavailableTimer;
    private long _dropped;
    private volatile bool _disposed;
    private TaskCompletionSource? _disposal;

    /// <summary>Creates a client; nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">A setting in <paramref name="options"/> is invalid.</exception>
    public PusherClient(PusherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        MetricTags = new MetricTags(options);
        _readers = new EventReaders(CountDropped);
    }

    /// <summary>The settings in use.</summary>
    public PusherOptions Options { get; }

    /// <summary>The current connection state.</summary>
    public ConnectionState State => _state;

    /// <summary>The socket id of the current connection; null while not connected.</summary>
    public string? SocketId { get; private set; }

    /// <summary>Events dropped because a <see cref="ReadAllAsync"/> reader's queue was full.</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>The channels subscribed with <see cref="Subscribe"/> and not unsubscribed.</summary>
    public IReadOnlyCollection<PusherChannel> Channels => _channels.Values;

    /// <summary>Raised once per state transition, in order.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>
    /// Raised for every problem that does not stop the client by itself: server errors, malformed or oversized frames,
    /// failed authorizations, transport losses, and exceptions thrown by callbacks.
    /// </summary>
    public event EventHandler<PusherException>? Error;

    /// <summary>Raised when a reconnect has been scheduled, with its delay.</summary>
    public event EventHandler<ReconnectScheduledEventArgs>? ReconnectScheduled;

    /// <summary>
    /// Raised on the receive loop when every message received so far has been dispatched and the next read would wait
    /// for the network. Flush output that callbacks buffered here: nothing more arrives until the network delivers it,
    /// so batching ends exactly when the burst does (no timer). Never raised concurrently with a callback of this
    /// client; keep it short, the loop reads nothing while it runs. A throwing handler is reported through
    /// <see cref="Error"/>.
    /// </summary>
    public event EventHandler? ReceiveIdle;

    /// <summary>
    /// Starts connecting (and reconnecting, until <see cref="DisconnectAsync"/>) and waits until connected.
    /// Transient failures are retried in the background, as pusher-js does; cancelling <paramref name="cancellationToken"/>
    /// stops the wait, not the client.
    /// </summary>
    /// <exception cref="PusherServerErrorException">The server refused the connection (state <see cref="ConnectionState.Failed"/>).</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Task connected;
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_stop is null)
            {
                PusherMetrics.Track(this);
                _connectedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _stop = new CancellationTokenSource();
                CancellationToken stop = _stop.Token;
                _supervisor = Task.Run(() => SuperviseAsync(stop), CancellationToken.None);
            }

            connected = _connectedOnce.Task;
        }
        finally
        {
            _lifecycle.Release();
        }

        await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the connection and stops reconnecting; state becomes <see cref="ConnectionState.Disconnected"/>.
    /// Channels are kept and resubscribed by the next <see cref="ConnectAsync"/>. Completes within
    /// <see cref="PusherOptions.CloseTimeout"/> even when the network is gone.
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stop is null)
            {
                // Failed (the supervisor is over) or never connected: a Failed client still ends Disconnected, so the
                // final state does not depend on whether Fail's cleanup ran before this call.
                if (_state == ConnectionState.Failed)
                {
                    SetState(ConnectionState.Disconnected);
                }

                return;
            }

            // One deadline for the whole shutdown: the close handshake, then the supervisor winding down.
            using var deadline = new CancellationTokenSource(Options.CloseTimeout, Options.TimeProvider);
            await _stop.CancelAsync().ConfigureAwait(false);
            PusherConnection? connection = _connection;
            if (connection is not null)
            {
                await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "client disconnect").ConfigureAwait(false);
            }

            if (await WaitForSupervisorAsync(connection, deadline.Token).ConfigureAwait(false))
            {
                _stop.Dispose();
            }

            _stop = null;
            _connectedOnce.TrySetException(new PusherConnectionException("Disconnected before the connection was established."));
            _ = _connectedOnce.Task.Exception;
            SetState(ConnectionState.Disconnected);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Subscribes to <paramref name="channelName"/> now if connected, else on connect; after every reconnect it is
    /// re-authorized with the new socket id and resubscribed. Subscribing twice returns the same channel; subscribing a
    /// channel whose subscription failed tries it again.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a valid Pusher channel name.</exception>
    /// <exception cref="InvalidOperationException">A <c>private-encrypted-</c> channel without <see cref="PusherOptions.Encryption"/>.</exception>
    public PusherChannel Subscribe(string channelName)
    {
        ValidateChannelName(channelName);
        RequireEncryptionFor(channelName);
        PusherChannel channel;
        lock (_channelsLock)
        {
            if (_channels.TryGetValue(channelName, out PusherChannel? existing))
            {
                if (existing.State != SubscriptionState.Failed)
                {
                    return existing;
                }

                // Failed on this connection: subscribing again authorizes again, as pusher-js does.
                existing.SetPending();
                channel = existing;
            }
            else
            {
                channel = new PusherChannel(this, channelName);
                _channels.Set(channelName, channel);
            }
        }

        if (_connection is { } connection && _state == ConnectionState.Connected)
        {
            _ = SubscribeOnAsync(connection, channel);
        }

        return channel;
    }

    /// <summary>Unsubscribes and forgets the channel; its bindings stop receiving events.</summary>
    /// <returns>True when the channel was subscribed.</returns>
    public bool Unsubscribe(string channelName)
    {
        PusherChannel? channel;
        lock (_channelsLock)
        {
            if (!_channels.TryGetValue(channelName, out channel))
            {
                return false;
            }

            _channels.Remove(channelName);
        }

        channel.SetUnsubscribed();
        if (_connection is { } connection && _state == ConnectionState.Connected)
        {
            _ = connection.SendAsync(f => f.Unsubscribe(channelName), CancellationToken.None);
        }

        return true;
    }

    /// <summary>The channel subscribed under <paramref name="channelName"/>, or null.</summary>
    public PusherChannel? GetChannel(string channelName) =>
        _channels.TryGetValue(channelName, out PusherChannel? channel) ? channel : null;

    /// <summary>Calls <paramref name="callback"/> for every application event on every channel (pusher-js <c>bind_global</c>). Dispose the result to unbind.</summary>
    public IDisposable BindGlobal(PusherEventCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CallbackList.Add(_globalLock, ref _global, callback, c => CallbackList.Remove(_globalLock, ref _global, c));
    }

    /// <summary>
    /// Streams every application event on every channel as owned <see cref="PusherMessage"/> copies through a bounded
    /// queue (<see cref="PusherOptions.ReaderQueueCapacity"/>, <see cref="PusherOptions.ReaderOverflow"/>).
    /// </summary>
    public IAsyncEnumerable<PusherMessage> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _readers.ReadAllAsync(Options, cancellationToken);

    /// <summary>Disconnects (bounded by <see cref="PusherOptions.CloseTimeout"/>) and releases everything. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        var disposal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _disposal, disposal, null) is { } running)
        {
            // Concurrent or repeated: wait for the first call to finish, never start a second shutdown.
            await running.Task.ConfigureAwait(false);
            return;
        }

        // Marked first: a ConnectAsync racing this call must not start a new supervisor after the disconnect below.
        _disposed = true;
        try
        {
            // Readers end first: a Wait-policy write blocked on a reader that stopped reading fails at once, so the parse
            // loop is free before the close handshake starts (each reader still gets what was queued, then finishes).
            CompleteReaders();
            await DisconnectAsync().ConfigureAwait(false);
        }
        finally
        {
            DisposeUnavailableTimer();
            PusherMetrics.Untrack(this);
            disposal.TrySetResult();
        }
    }

    /// <summary>
    /// Waits for the supervisor to finish after the connection was closed or aborted. A callback that never returns
    /// keeps the parse loop (and so the supervisor) busy for good: past the deadline, if the connection has still not
    /// ended, the supervisor is left to finish on its own (it stops without reconnecting once the callback returns), so
    /// DisconnectAsync stays bounded.
    /// </summary>
    /// <returns>False when the supervisor was left running.</returns>
    private async Task<bool> WaitForSupervisorAsync(PusherConnection? connection, CancellationToken deadline)
    {
        Task supervisor = _supervisor;
        try
        {
            await supervisor.WaitAsync(deadline).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }

        if (connection is null || connection.Completion.IsCompleted)
        {
            // The connection is over: what is left of the supervisor runs no user code, only its clean-up.
            await supervisor.ConfigureAwait(false);
            return true;
        }

        connection.Abort();
        return false;
    }

    private void CompleteReaders()
    {
        _readers.Complete();
        foreach (PusherChannel channel in _channels.Values)
        {
            channel.CompleteReaders();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"PusherClient {{ {Options.Host}, {_state}, SocketId = {SocketId ?? "none"}, Channels = {_channels.Count} }}";

    // Pusher's channel-name rule: up to 164 characters of [A-Za-z0-9_\-=@,.;].
    [GeneratedRegex(@"^[A-Za-z0-9_\-=@,.;]{1,164}$")]
    private static partial Regex ChannelNamePattern();

    private static void ValidateChannelName(string channelName)
    {
        ArgumentNullException.ThrowIfNull(channelName);
        if (!ChannelNamePattern().IsMatch(channelName))
        {
            throw new ArgumentException($"'{LogSanitizer.Clean(channelName)}' is not a valid channel name: use 1-164 characters of A-Z a-z 0-9 _ - = @ , . ;", nameof(channelName));
        }
    }

    internal void CountDropped(bool episodeStarts)
    {
        Interlocked.Increment(ref _dropped);
        RecordDropped();
        if (episodeStarts)
        {
            ReportError(new PusherSlowConsumerException(Options.ReaderQueueCapacity, Options.ReaderOverflow));
        }
    }
}
