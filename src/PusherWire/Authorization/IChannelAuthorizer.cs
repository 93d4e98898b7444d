namespace PusherWire.Authorization;

/// <summary>Authorizes subscriptions to <c>private-</c> and <c>presence-</c> channels.</summary>
public interface IChannelAuthorizer
{
    /// <summary>
    /// Returns the signature for subscribing <paramref name="request"/>'s socket to its channel. Called again after every
    /// reconnect, because the signature covers the socket id. Throw <see cref="ChannelAuthorizationException"/> to fail
    /// the subscription of that channel only.
    /// </summary>
    ValueTask<ChannelAuthorization> AuthorizeAsync(ChannelAuthorizationRequest request, CancellationToken cancellationToken);
}

/// <summary>What is being authorized.</summary>
/// <param name="SocketId">The socket id from <c>pusher:connection_established</c>.</param>
/// <param name="ChannelName">The channel to subscribe to.</param>
public sealed record ChannelAuthorizationRequest(string SocketId, string ChannelName);

/// <summary>The authorizer's answer, sent in <c>pusher:subscribe</c>.</summary>
/// <param name="Auth">The signature, <c>key:hex</c>.</param>
/// <param name="ChannelData">Presence channels: the JSON <c>channel_data</c> the signature covers; otherwise null.</param>
/// <param name="SharedSecret">Encrypted channels: the base64 shared secret; otherwise null. Never printed.</param>
public sealed record ChannelAuthorization(string Auth, string? ChannelData = null, string? SharedSecret = null)
{
    /// <inheritdoc />
    public override string ToString() => $"ChannelAuthorization {{ Auth = {Auth}, ChannelData = {(ChannelData is null ? "null" : "set")}, SharedSecret = {(SharedSecret is null ? "null" : "***")} }}";
}
