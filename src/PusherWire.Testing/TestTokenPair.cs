// A token pair issued by the test server's token API.
using System.Globalization;
using System.Text.Json;

namespace PusherWire.Testing;

/// <summary>A pair the test server issued (see <see cref="TestTokenAuthority"/>).</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="AccessTokenEndTime">When it expires.</param>
/// <param name="RefreshToken">The refresh token.</param>
/// <param name="RefreshTokenEndTime">When it expires.</param>
public sealed record TestTokenPair(string AccessToken, DateTimeOffset AccessTokenEndTime, string RefreshToken, DateTimeOffset RefreshTokenEndTime)
{
    /// <summary>The pair as the token API returns it in <c>data</c> (end times as unix seconds).</summary>
    public string ToDataJson() => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"accessToken":{{{JsonSerializer.Serialize(AccessToken, TestingJsonContext.Default.String)}}},"accessTokenEndTime":{{{AccessTokenEndTime.ToUnixTimeSeconds()}}},"refreshToken":{{{JsonSerializer.Serialize(RefreshToken, TestingJsonContext.Default.String)}}},"refreshTokenEndTime":{{{RefreshTokenEndTime.ToUnixTimeSeconds()}}}}""");

    /// <inheritdoc />
    public override string ToString() => $"TestTokenPair {{ AccessTokenEndTime = {AccessTokenEndTime:O}, RefreshTokenEndTime = {RefreshTokenEndTime:O} }}";
}
