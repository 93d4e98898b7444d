// The account credentials v1.tokens.make takes (email, password, appId).
namespace PusherWire.ChatApp;

/// <summary>
/// What <c>v1.tokens.make</c> needs: the account's email and password and the application id. Used only when there is
/// no usable refresh token. <see cref="ToString"/> never prints the password.
/// </summary>
/// <param name="Email">The account email.</param>
/// <param name="Password">The account password. A secret.</param>
/// <param name="AppId">The application id from ChatApp's personal account.</param>
public sealed record ChatAppCredentials(string Email, string Password, string AppId)
{
    /// <inheritdoc />
    public override string ToString() => $"ChatAppCredentials {{ Email = {Email}, Password = ***, AppId = {AppId} }}";
}
