// The access/refresh token pair that ChatApp's v1 token API returns in "data".
namespace PusherWire.ChatApp;

/// <summary>
/// ChatApp's token pair, as <c>v1.tokens.make</c> and <c>v1.tokens.refresh</c> return it in <c>data</c>: an access
/// token (24 hours) for the <c>Authorization</c> header and a refresh token (14 days) that buys the next pair.
/// <see cref="ToString"/> prints the end times only, never a token.
/// </summary>
/// <param name="AccessToken">The access token (<c>accessToken</c>). A secret.</param>
/// <param name="AccessTokenEndTime">When the access token expires (<c>accessTokenEndTime</c>, a unix timestamp on the wire).</param>
/// <param name="RefreshToken">The refresh token (<c>refreshToken</c>). A secret.</param>
/// <param name="RefreshTokenEndTime">When the refresh token expires (<c>refreshTokenEndTime</c>).</param>
public sealed record ChatAppTokenPair(string AccessToken, DateTimeOffset AccessTokenEndTime, string RefreshToken, DateTimeOffset RefreshTokenEndTime)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"ChatAppTokenPair {{ AccessToken = ***, AccessTokenEndTime = {AccessTokenEndTime:O}, RefreshToken = ***, RefreshTokenEndTime = {RefreshTokenEndTime:O} }}";
}
