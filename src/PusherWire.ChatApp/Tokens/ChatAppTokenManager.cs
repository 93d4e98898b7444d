// Keeps ChatApp's token pair alive: load, refresh ahead of expiry or after a refusal, make as a last resort, save.
namespace PusherWire.ChatApp;

/// <summary>
/// Holds ChatApp's token pair and hands out the access token, as ChatApp asks integrators to: keep the pair, use the
/// access token until it is refused or about to expire, then <c>tokens.refresh</c>; call <c>tokens.make</c> only when the
/// refresh token has expired or is refused and <see cref="ChatAppTokenManagerOptions.Credentials"/> were given.
/// Plug it into the preset with <see cref="ChatAppOptions.TokenManager"/> (401 refusals then trigger a refresh), or use
/// <see cref="GetAccessTokenAsync"/> as any <c>Func&lt;CancellationToken, ValueTask&lt;string&gt;&gt;</c> token provider.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Thread-safe. Renewals are single-flight: concurrent callers (every channel re-authorizing after a reconnect)
/// share one refresh.</item>
/// <item>While the current access token is valid and not near its end, <see cref="GetAccessTokenAsync"/> makes no request.</item>
/// <item>No token, refresh token or password appears in an exception, <see cref="ToString"/> or event.</item>
/// </list>
/// </remarks>
public sealed class ChatAppTokenManager : IDisposable
{
    private readonly ChatAppTokenClient _client;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ChatAppTokenPair? _current;

    // The last access token an endpoint refused. Kept as the value, not a flag, so a late report about an old token
    // (racing with the renewal that replaced it) can never mark the new token as refused.
    private volatile string? _rejectedToken;
    private volatile bool _loaded;

    /// <summary>Creates the manager; nothing is loaded or requested until the first <see cref="GetAccessTokenAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ChatAppTokenManager(ChatAppTokenManagerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _client = new ChatAppTokenClient(options.Api);
        _time = options.Api.TimeProvider;
        _current = options.InitialPair;
    }

    /// <summary>The settings in use.</summary>
    public ChatAppTokenManagerOptions Options { get; }

    /// <summary>The pair in use, or null before the first request. Its <c>ToString</c> shows end times only.</summary>
    public ChatAppTokenPair? Current => _current;

    /// <summary>
    /// Raised after a new pair is in use (loaded, refreshed or made), on the renewing caller's thread. Exceptions thrown
    /// by handlers are caught and dropped: the renewal has happened, and the authorization waiting for it goes on.
    /// </summary>
    public event EventHandler<ChatAppTokenRenewedEventArgs>? Renewed;

    /// <summary>
    /// The access token to send. Loads the stored pair on first use; renews when there is none, when the current one
    /// was refused (<see cref="ReportRejectedAsync"/>) or is within <see cref="ChatAppTokenManagerOptions.RefreshAhead"/>
    /// of its end. If an early refresh fails for a transient reason, the still-valid token is returned.
    /// </summary>
    /// <exception cref="ChatAppTokenException">No token can be had; <see cref="ChatAppTokenException.Failure"/> says why.</exception>
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        ChatAppTokenPair? pair = _current;
        return pair is not null && _loaded && IsFresh(pair) ? ValueTask.FromResult(pair.AccessToken) : SlowAsync(cancellationToken);

        async ValueTask<string> SlowAsync(CancellationToken ct) => (await EnsureAsync(force: false, ct).ConfigureAwait(false)).AccessToken;
    }

    /// <summary>
    /// An endpoint refused <paramref name="accessToken"/> (HTTP 401 or ChatApp's <c>ApiInvalidTokenError</c>): the next
    /// <see cref="GetAccessTokenAsync"/> renews. A token that is no longer the current one is ignored, so many refusals of
    /// the same old token cause one refresh. Matches <see cref="PusherWire.Authorization.HttpChannelAuthorizerOptions.AuthorizationRejected"/>.
    /// </summary>
    public ValueTask ReportRejectedAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        if (_current is { } pair && string.Equals(pair.AccessToken, accessToken, StringComparison.Ordinal))
        {
            _rejectedToken = accessToken;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Renews now, whatever the current pair's state (<c>tokens.refresh</c>, or <c>tokens.make</c> as the fallback).</summary>
    /// <exception cref="ChatAppTokenException">No token can be had.</exception>
    public Task<ChatAppTokenPair> RefreshAsync(CancellationToken cancellationToken = default) => EnsureAsync(force: true, cancellationToken);

    /// <summary>The current pair, loading or obtaining one as <see cref="GetAccessTokenAsync"/> would.</summary>
    /// <exception cref="ChatAppTokenException">No token can be had.</exception>
    public Task<ChatAppTokenPair> GetPairAsync(CancellationToken cancellationToken = default) => EnsureAsync(force: false, cancellationToken);

    /// <inheritdoc />
    public override string ToString()
    {
        ChatAppTokenPair? pair = _current;
        return $"ChatAppTokenManager {{ AccessTokenEndTime = {(pair is null ? "none" : pair.AccessTokenEndTime.ToString("O", null))}, Rejected = {pair is not null && IsRejected(pair)} }}";
    }

    /// <summary>Releases the renewal lock.</summary>
    public void Dispose() => _gate.Dispose();

    private bool IsRejected(ChatAppTokenPair pair) => string.Equals(_rejectedToken, pair.AccessToken, StringComparison.Ordinal);

    private bool IsFresh(ChatAppTokenPair pair) => !IsRejected(pair) && _time.GetUtcNow() < pair.AccessTokenEndTime - Options.RefreshAhead;

    private async Task<ChatAppTokenPair> EnsureAsync(bool force, CancellationToken cancellationToken)
    {
        ChatAppTokenRenewedEventArgs? renewed = null;
        ChatAppTokenPair result;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_loaded)
            {
                if (Options.Store is { } store && await store.LoadAsync(cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    _current = stored;
                    renewed = new ChatAppTokenRenewedEventArgs(ChatAppTokenSource.Store, stored.AccessTokenEndTime, stored.RefreshTokenEndTime, null);
                }

                _loaded = true;
            }

            // Re-checked under the lock: whoever held it before may have renewed already (single flight).
            ChatAppTokenPair? pair = _current;
            if (!force && pair is not null && IsFresh(pair))
            {
                result = pair;
            }
            else
            {
                try
                {
                    (result, renewed) = await RenewAsync(pair, cancellationToken).ConfigureAwait(false);
                }
                catch (ChatAppTokenException e) when (!force && pair is not null && !IsRejected(pair) && IsTransient(e) && _time.GetUtcNow() < pair.AccessTokenEndTime)
                {
                    // An early refresh failed, but the token still works: keep it; the next request tries again.
                    result = pair;
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        if (renewed is not null)
        {
            try
            {
                Renewed?.Invoke(this, renewed);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A faulty logging handler must not fail the channel authorization that renewed the pair (documented on Renewed).
                _ = e;
            }
        }

        return result;
    }

    private static bool IsTransient(ChatAppTokenException e) => e.Failure is ChatAppTokenFailure.Network or ChatAppTokenFailure.HttpStatus;

    private async Task<(ChatAppTokenPair, ChatAppTokenRenewedEventArgs)> RenewAsync(ChatAppTokenPair? pair, CancellationToken cancellationToken)
    {
        ChatAppCredentials? credentials = Options.Credentials;
        ChatAppTokenPair next;
        ChatAppTokenSource source;
        if (pair is not null && _time.GetUtcNow() < pair.RefreshTokenEndTime)
        {
            try
            {
                next = await _client.RefreshAsync(pair.RefreshToken, cancellationToken).ConfigureAwait(false);
                source = ChatAppTokenSource.Refresh;
            }
            catch (ChatAppTokenException e) when (e.Failure == ChatAppTokenFailure.RefreshTokenRefused)
            {
                if (credentials is null)
                {
                    throw new ChatAppTokenException(ChatAppTokenFailure.RefreshTokenRefused,
                        $"{e.Message.TrimEnd('.')}, and no credentials (email, password, app id) were given to make a new pair.", e.StatusCode, e.ErrorCode, e);
                }

                next = await _client.MakeAsync(credentials, cancellationToken).ConfigureAwait(false);
                source = ChatAppTokenSource.Make;
            }
        }
        else if (credentials is null)
        {
            throw pair is null
                ? new ChatAppTokenException(ChatAppTokenFailure.CredentialsMissing,
                    "There is no ChatApp token pair (none given, none stored) and no credentials (email, password, app id) to make one.")
                : new ChatAppTokenException(ChatAppTokenFailure.RefreshTokenExpired,
                    $"The ChatApp refresh token expired at {pair.RefreshTokenEndTime:O}, and no credentials (email, password, app id) were given to make a new pair.");
        }
        else
        {
            next = await _client.MakeAsync(credentials, cancellationToken).ConfigureAwait(false);
            source = ChatAppTokenSource.Make;
        }

        _current = next;
        Exception? storeError = null;
        if (Options.Store is { } store)
        {
            try
            {
                await store.SaveAsync(next, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The new pair works; failing the authorization over a disk error would be worse. Reported on the event.
                storeError = e;
            }
        }

        return (next, new ChatAppTokenRenewedEventArgs(source, next.AccessTokenEndTime, next.RefreshTokenEndTime, storeError));
    }
}
