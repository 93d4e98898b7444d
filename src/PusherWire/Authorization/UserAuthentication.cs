// The user authenticator's answer, sent in pusher:signin.
namespace PusherWire.Authorization;

/// <summary>The answer of an <see cref="IUserAuthenticator"/>, sent in <c>pusher:signin</c>.</summary>
/// <param name="Auth">The signature, <c>key:hex</c> of HMAC-SHA256 over <c>socket_id::user::user_data</c>.</param>
/// <param name="UserData">The signed user data as JSON text; it must hold a non-empty string <c>id</c>.</param>
public sealed record UserAuthentication(string Auth, string UserData)
{
    /// <inheritdoc />
    public override string ToString() => "UserAuthentication { Auth = ***, UserData = set }";
}
