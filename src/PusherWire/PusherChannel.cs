using PusherWire.Internal;

namespace PusherWire;

/// <summary>The kind of a channel, from its name prefix.</summary>
public enum ChannelType
{
    /// <summary>No prefix: anyone may subscribe, no authorization.</summary>
    Public,

    /// <summary><c>private-</c>: subscription needs a signature from the authorizer.</summary>
    Private,

    /// <summary><c>presence-</c>: private plus the member roster (<see cref="PusherChannel.Members"/>).</summary>
    Presence,

    /// <summary><c>private-encrypted-</c>: end-to-end encrypted; needs <see cref="PusherOptions.Encryption"/>, and handlers see the decrypted data.</summary>
    PrivateEncrypted,
}

/// <summary>Where a channel's subscription stands on the current connection.</summary>
public enum SubscriptionState
{
    /// <summary>Waiting for a connection, for authorization or for the server's confirmation.</summary>
    Pending,

    /// <summary>The server confirmed the subscription (<c>pusher_internal:subscription_succeeded</c>).</summary>
    Subscribed,

    /// <summary>Authorization failed on the current connection; it is tried again after the next reconnect.</summary>
    Failed,

    /// <summary>Removed with <see cref="PusherClient.Unsubscribe"/>.</summary>
    Unsubscribed,
}

/// <summary>
/// A subscribed channel. Obtained from <see cref="PusherClient.Subscribe"/>; stays valid across reconnects, which
/// re-authorize and resubscribe it automatically.
/// </summary>
public sealed partial class PusherChannel
{
    private readonly Lock _gate = new();
    private readonly PusherClient _client;
    private readonly EventReaders _readers;
    private readonly Utf8KeyedMap<PusherEventCallback[]> _bindings = new();
    private PusherEventCallback[] _bindAll = [];
    private TaskCompletionSource _subscribed = NewSignal();
    private SubscriptionState _state = SubscriptionState.Pending;
    private object? _subscribingOn;

    internal PusherChannel(PusherClient client, string name)
    {
        _client = client;
        Name = name;
        Type = name.StartsWith("private-encrypted-", StringComparison.Ordinal) ? ChannelType.PrivateEncrypted
            : name.StartsWith("private-", StringComparison.Ordinal) ? ChannelType.Private
            : name.StartsWith("presence-", StringComparison.Ordinal) ? ChannelType.Presence
            : ChannelType.Public;
        _readers = new EventReaders(client.CountDropped);
    }

    /// <summary>The channel name.</summary>
    public string Name { get; }

    /// <summary>The channel kind, from the name prefix.</summary>
    public ChannelType Type { get; }

    /// <summary>The subscription state on the current connection.</summary>
    public SubscriptionState State => _state;

    /// <summary>True once the server confirmed the subscription on the current connection.</summary>
    public bool IsSubscribed => _state == SubscriptionState.Subscribed;

    /// <summary>The last <c>subscription_count</c> the server sent, if it sends them.</summary>
    public int? SubscriptionCount { get; internal set; }

    /// <summary>Raised each time the server confirms the subscription (after every reconnect too).</summary>
    public event EventHandler? Subscribed;

    /// <summary>Raised when the subscription fails (authorization error); other channels are not affected.</summary>
    public event EventHandler<PusherException>? SubscriptionFailed;

    internal bool RequiresAuthorization => Type != ChannelType.Public;

    /// <summary>Events waiting in this channel's reader queues (for the queue-depth gauge).</summary>
    internal long QueuedMessages => _readers.Count;

    /// <summary>
    /// Calls <paramref name="callback"/> for every <paramref name="eventName"/> event on this channel, on the receive
    /// loop, in arrival order. Keep it fast, or hand work off. Dispose the result to unbind.
    /// The pusher-js pseudo-events <c>pusher:subscription_succeeded</c> and <c>pusher:subscription_count</c> can be bound too.
    /// </summary>
    public IDisposable Bind(string eventName, PusherEventCallback callback)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            PusherEventCallback[] list = _bindings.TryGetValue(eventName, out PusherEventCallback[]? existing) ? existing : [];
            _bindings.Set(eventName, [.. list, callback]);
        }

        return new ActionDisposable(() => Unbind(eventName, callback));
    }

    /// <summary>Removes one binding made with <see cref="Bind"/>.</summary>
    /// <returns>True when it was bound.</returns>
    public bool Unbind(string eventName, PusherEventCallback callback)
    {
        lock (_gate)
        {
            if (!_bindings.TryGetValue(eventName, out PusherEventCallback[]? list) || Array.IndexOf(list, callback) < 0)
            {
                return false;
            }

            PusherEventCallback[] rest = Array.FindAll(list, c => c != callback);
            if (rest.Length == 0)
            {
                _bindings.Remove(eventName);
            }
            else
            {
                _bindings.Set(eventName, rest);
            }

            return true;
        }
    }

    /// <summary>Removes every binding of <paramref name="eventName"/> made with <see cref="Bind"/> (pusher-js <c>unbind(eventName)</c>).</summary>
    /// <returns>True when there was one.</returns>
    public bool Unbind(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        lock (_gate)
        {
            if (!_bindings.TryGetValue(eventName, out _))
            {
                return false;
            }

            return _bindings.Remove(eventName);
        }
    }

    /// <summary>Removes every binding of this channel, <see cref="Bind"/> and <see cref="BindAll"/> alike (pusher-js <c>unbind_all</c>). Readers are not affected.</summary>
    public void UnbindAll()
    {
        lock (_gate)
        {
            _bindings.Clear();
            _bindAll = [];
        }
    }

    /// <summary>Calls <paramref name="callback"/> for every event on this channel. Dispose the result to unbind.</summary>
    public IDisposable BindAll(PusherEventCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CallbackList.Add(_gate, ref _bindAll, callback, c => CallbackList.Remove(_gate, ref _bindAll, c));
    }

    /// <summary>
    /// Streams this channel's events as owned <see cref="PusherMessage"/> copies through a bounded queue
    /// (<see cref="PusherOptions.ReaderQueueCapacity"/>, <see cref="PusherOptions.ReaderOverflow"/>).
    /// Events are queued from the moment enumeration starts.
    /// </summary>
    public IAsyncEnumerable<PusherMessage> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _readers.ReadAllAsync(_client.Options, cancellationToken);

    /// <summary>Completes once the subscription is confirmed on the current connection; throws if it fails.</summary>
    public Task WaitForSubscriptionAsync(CancellationToken cancellationToken = default)
    {
        Task signal;
        lock (_gate)
        {
            signal = _subscribed.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Sends a client event (pusher-js <c>channel.trigger</c>) with pusher-js's and Pusher's rules: the name must start
    /// with <c>client-</c>; only <c>private-</c> and <c>presence-</c> channels (never public or <c>private-encrypted-</c>,
    /// which would put plaintext on an encrypted channel); at most 10 KB of data; at most
    /// <see cref="PusherOptions.ClientEventRateLimit"/> events per second per client. <paramref name="jsonData"/> must be JSON.
    /// </summary>
    /// <returns>False when it could not be sent now (not connected or not subscribed yet).</returns>
    /// <exception cref="ArgumentException">The name lacks the <c>client-</c> prefix, or the data is not JSON or too large.</exception>
    /// <exception cref="InvalidOperationException">The channel kind does not allow client events.</exception>
    /// <exception cref="PusherRateLimitException">The rate limit would be exceeded; the event was not sent.</exception>
    public Task<bool> TriggerAsync(string eventName, string jsonData, CancellationToken cancellationToken = default) =>
        _client.TriggerClientEventAsync(this, eventName, jsonData, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({_state})";

    internal void Dispatch(in PusherEvent e, List<ValueTask> blocked, ref PusherMessage? copy, CancellationToken cancellationToken = default)
    {
        if (_bindings.TryGetValue(e.EventName, out PusherEventCallback[]? callbacks))
        {
            foreach (PusherEventCallback callback in callbacks)
            {
                _client.Invoke(callback, e);
            }
        }

        foreach (PusherEventCallback callback in _bindAll)
        {
            _client.Invoke(callback, e);
        }

        if (!_readers.IsEmpty)
        {
            copy ??= e.ToMessage();
            _readers.Publish(copy, blocked, cancellationToken);
        }
    }

    /// <summary>Ends this channel's ReadAllAsync readers (the client is being disposed).</summary>
    internal void CompleteReaders() => _readers.Complete();

    /// <summary>
    /// Claims the one subscribe this channel gets on <paramref name="connection"/>. <see cref="PusherClient.Subscribe"/>
    /// racing the resubscribe-all of a new connection could otherwise authorize and subscribe the channel twice.
    /// </summary>
    internal bool TryClaimSubscribe(object connection)
    {
        if (ReferenceEquals(Interlocked.Exchange(ref _subscribingOn, connection), connection))
        {
            return false;
        }

        StartSubscriptionTimer(connection);
        return true;
    }

    internal void SetPending()
    {
        lock (_gate)
        {
            if (_state is SubscriptionState.Pending or SubscriptionState.Unsubscribed)
            {
                return;
            }

            _state = SubscriptionState.Pending;
            if (_subscribed.Task.IsCompleted)
            {
                _subscribed = NewSignal();
            }
        }
    }

    /// <returns>False when this confirmation changes nothing (unsubscribed, or a duplicate on the same connection).</returns>
    internal bool SetSubscribed(ReadOnlySpan<byte> data = default)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_state is SubscriptionState.Unsubscribed or SubscriptionState.Subscribed)
            {
                // A duplicate subscription_succeeded is idempotent: Subscribed is raised once per connection.
                return false;
            }

            _state = SubscriptionState.Subscribed;
            if (_subscribed.Task.IsFaulted)
            {
                _subscribed = NewSignal(); // failed on an earlier connection: waiters from now on must see success
            }

            signal = _subscribed;
        }

        StopSubscriptionTimer();
        if (Type == ChannelType.Presence)
        {
            ApplyRoster(data); // before Subscribed: code that runs on success sees the new roster
        }

        // Listeners hear of it before awaiters resume, so code after WaitForSubscriptionAsync sees the event's effects.
        _client.Raise(Subscribed, this, EventArgs.Empty, "pusher:subscription_succeeded");
        signal.TrySetResult();
        return true;
    }

    internal void SetFailed(PusherException error)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_state == SubscriptionState.Unsubscribed)
            {
                return;
            }

            _state = SubscriptionState.Failed;
            _subscribingOn = null; // a later Subscribe(name) authorizes again, as pusher-js does
            signal = _subscribed;
            if (signal.Task.IsCompleted)
            {
                _subscribed = signal = NewSignal();
            }
        }

        StopSubscriptionTimer();
        _client.Raise(SubscriptionFailed, this, error, "pusher:subscription_error");
        signal.TrySetException(error);
        _ = signal.Task.Exception; // observed: a failure nobody awaits must not surface as UnobservedTaskException
    }

    internal void SetUnsubscribed()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _state = SubscriptionState.Unsubscribed;
            signal = _subscribed;
        }

        ClearKey();
        StopSubscriptionTimer();
        ClearRoster();

        signal.TrySetCanceled();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
