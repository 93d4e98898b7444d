// The user sign-in seam beside IChannelAuthorizer (pusher-js userAuthentication / userAuthenticator).
namespace PusherWire.Authorization;

/// <summary>Signs a connection in as a user (pusher-js <c>signin()</c>): produces the <c>pusher:signin</c> payload.</summary>
public interface IUserAuthenticator
{
    /// <summary>
    /// Returns the signature and user data for <paramref name="request"/>'s socket. Called again after every reconnect,
    /// because the signature covers the socket id. Throw a <see cref="PusherException"/> to fail the sign-in.
    /// </summary>
    ValueTask<UserAuthentication> AuthenticateAsync(UserAuthenticationRequest request, CancellationToken cancellationToken);
}
