// Payload of ChatAppTokenManager.Renewed: where the new pair came from and when it ends (no token values).
namespace PusherWire.ChatApp;

/// <summary>
/// A <see cref="ChatAppTokenManager"/> holds a new pair. Carries end times only, never a token, so it is safe to log.
/// </summary>
public sealed class ChatAppTokenRenewedEventArgs : EventArgs
{
    /// <summary>Creates the event payload.</summary>
    public ChatAppTokenRenewedEventArgs(ChatAppTokenSource source, DateTimeOffset accessTokenEndTime, DateTimeOffset refreshTokenEndTime, Exception? storeError)
    {
        Source = source;
        AccessTokenEndTime = accessTokenEndTime;
        RefreshTokenEndTime = refreshTokenEndTime;
        StoreError = storeError;
    }

    /// <summary>Where the pair came from.</summary>
    public ChatAppTokenSource Source { get; }

    /// <summary>When the new access token expires.</summary>
    public DateTimeOffset AccessTokenEndTime { get; }

    /// <summary>When the new refresh token expires.</summary>
    public DateTimeOffset RefreshTokenEndTime { get; }

    /// <summary>
    /// Why saving the new pair to the store failed, or null when it was saved (or there is no store). The pair is in use
    /// anyway; a restart would need <c>tokens.make</c> or the old refresh token.
    /// </summary>
    public Exception? StoreError { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"ChatAppTokenRenewed {{ Source = {Source}, AccessTokenEndTime = {AccessTokenEndTime:O}, RefreshTokenEndTime = {RefreshTokenEndTime:O}, StoreError = {StoreError?.GetType().Name ?? "none"} }}";
}
