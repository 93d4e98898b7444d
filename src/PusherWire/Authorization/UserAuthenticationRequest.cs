// What a user sign-in asks the authenticator for.
namespace PusherWire.Authorization;

/// <summary>What is being signed in.</summary>
/// <param name="SocketId">The socket id from <c>pusher:connection_established</c>.</param>
public sealed record UserAuthenticationRequest(string SocketId);
