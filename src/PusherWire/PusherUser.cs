// The signed-in user (pusher-js user.ts): sign-in state, the #server-to-user channel's events, watchlist notifications.
using PusherWire.Internal;

namespace PusherWire;

/// <summary>
/// The user this connection signs in as with <see cref="PusherClient.SignIn"/> (pusher-js <c>pusher.user</c>). Events
/// the server sends to the user (channel <c>#server-to-user-{id}</c>) reach <see cref="Bind"/> and <see cref="BindAll"/>;
/// bindings survive reconnects, which sign in again.
/// </summary>
/// <remarks>Thread-safe. Callbacks run on the receive loop, like channel callbacks.</remarks>
public sealed class PusherUser
{
    private readonly Lock _gate = new();
    private readonly PusherClient _client;
    private readonly PusherChannel _events; // bindings and readers; the user channel's name changes with the user
    private TaskCompletionSource _signedIn = NewSignal();
    private object? _claimedOn;
    private ITimer? _timer;
    private Identity? _identity; // id and user channel name together, so the receive path reads both at once
    private string? _userData;

    internal PusherUser(PusherClient client)
    {
        _client = client;
        _events = new PusherChannel(client, "#server-to-user");
    }

    /// <summary>The signed-in user's id (the <c>id</c> of <c>user_data</c>); null while not signed in.</summary>
    public string? Id => Volatile.Read(ref _identity)?.Id;

    /// <summary>The <c>user_data</c> JSON the server confirmed; null while not signed in.</summary>
    public string? UserDataJson => Volatile.Read(ref _userData);

    /// <summary>True once <c>pusher:signin_success</c> arrived on the current connection.</summary>
    public bool IsSignedIn => Id is not null;

    /// <summary>The user channel, <c>#server-to-user-{id}</c>; null while not signed in.</summary>
    public string? ChannelName => Volatile.Read(ref _identity)?.ChannelName;

    /// <summary>The user channel's name in UTF-8, for matching frames without decoding or allocating; null while not signed in.</summary>
    internal byte[]? ChannelNameUtf8 => Volatile.Read(ref _identity)?.ChannelNameUtf8;

    /// <summary>Raised after each successful sign-in (after every reconnect too).</summary>
    public event EventHandler? SignedIn;

    /// <summary>Raised when a sign-in fails (also reported through <see cref="PusherClient.Error"/>).</summary>
    public event EventHandler<PusherSignInException>? SignInFailed;

    /// <summary>Raised for each watchlist notification (<c>online</c> / <c>offline</c> with user ids).</summary>
    public event EventHandler<WatchlistEventArgs>? WatchlistEvent;

    internal const string ServerToUserPrefix = "#server-to-user-";

    /// <summary>Calls <paramref name="callback"/> for every <paramref name="eventName"/> event sent to the user. Dispose the result to unbind.</summary>
    public IDisposable Bind(string eventName, PusherEventCallback callback) => _events.Bind(eventName, callback);

    /// <summary>Calls <paramref name="callback"/> for every event sent to the user. Dispose the result to unbind.</summary>
    public IDisposable BindAll(PusherEventCallback callback) => _events.BindAll(callback);

    /// <summary>Streams the user's events as owned copies through a bounded queue, like <see cref="PusherChannel.ReadAllAsync"/>.</summary>
    public IAsyncEnumerable<PusherMessage> ReadAllAsync(CancellationToken cancellationToken = default) => _events.ReadAllAsync(cancellationToken);

    /// <summary>Completes once signed in on the current connection; throws <see cref="PusherSignInException"/> if that sign-in fails.</summary>
    public Task WaitForSignInAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _signedIn.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"PusherUser {{ Id = {(Id is null ? "none" : LogSanitizer.Clean(Id))} }}";

    internal void Dispatch(in PusherEvent e, List<ValueTask> blocked, ref PusherMessage? copy, CancellationToken cancellationToken) =>
        _events.Dispatch(e, blocked, ref copy, cancellationToken);

    /// <summary>Claims the one sign-in attempt on <paramref name="connection"/> and starts its bound.</summary>
    internal bool TryClaim(object connection)
    {
        if (ReferenceEquals(Interlocked.Exchange(ref _claimedOn, connection), connection))
        {
            return false;
        }

        ITimer timer = _client.Options.TimeProvider.CreateTimer(
            static s =>
            {
                var (user, connection) = ((PusherUser, object))s!;
                user.OnTimeout(connection);
            },
            (this, connection), _client.Options.SubscriptionTimeout, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _timer, timer)?.Dispose();
        return true;
    }

    /// <summary>True while a sign-in on <paramref name="connection"/> waits for its answer.</summary>
    internal bool IsAwaiting(object connection) => Id is null && ReferenceEquals(Volatile.Read(ref _claimedOn), connection);

    internal void SetSignedIn(string id, string userData)
    {
        TaskCompletionSource signal;
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        lock (_gate)
        {
            Volatile.Write(ref _userData, userData);
            Volatile.Write(ref _identity, new Identity(id, ServerToUserPrefix + id));
            if (_signedIn.Task.IsCompleted)
            {
                _signedIn = NewSignal();
            }

            signal = _signedIn;
        }

        _client.Raise(SignedIn, this, EventArgs.Empty, "pusher:signin_success");
        signal.TrySetResult();
    }

    internal void Fail(PusherSignInException error)
    {
        TaskCompletionSource signal;
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        lock (_gate)
        {
            Volatile.Write(ref _identity, null);
            Volatile.Write(ref _userData, null);
            Volatile.Write(ref _claimedOn, null); // SignIn() may try again on this connection
            signal = _signedIn;
            if (signal.Task.IsCompleted)
            {
                _signedIn = signal = NewSignal();
            }
        }

        _client.ReportError(error);
        _client.Raise(SignInFailed, this, error, "pusher:signin_error");
        signal.TrySetException(error);
        _ = signal.Task.Exception; // observed: nobody may be waiting
    }

    /// <summary>The connection ended: signed out until the next connection signs in again (pusher-js _cleanup).</summary>
    internal void OnConnectionLost()
    {
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        lock (_gate)
        {
            Volatile.Write(ref _identity, null);
            Volatile.Write(ref _userData, null);
            if (_signedIn.Task.IsCompleted)
            {
                _signedIn = NewSignal();
            }
        }
    }

    internal void RaiseWatchlist(WatchlistEventArgs args) => _client.Raise(WatchlistEvent, this, args, "pusher_internal:watchlist_events");

    private void OnTimeout(object connection)
    {
        if (IsAwaiting(connection) && _client.IsCurrent(connection))
        {
            Fail(new PusherSignInException(PusherSignInFailure.Timeout, null,
                $"no pusher:signin_success within {_client.Options.SubscriptionTimeout.TotalSeconds:0.###} s (PusherOptions.SubscriptionTimeout)."));
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Who is signed in: built once per sign-in.</summary>
    private sealed class Identity(string id, string channelName)
    {
        public string Id { get; } = id;

        public string ChannelName { get; } = channelName;

        public byte[] ChannelNameUtf8 { get; } = System.Text.Encoding.UTF8.GetBytes(channelName);
    }
}
