// Settings of the test server's emulated token API (pairs of access + refresh tokens with lifetimes, as ChatApp issues).
using System.Text;

namespace PusherWire.Testing;

/// <summary>
/// Turns on the server's token API: <c>POST /v1/tokens</c> (make), <c>POST /v1/tokens/refresh</c> and
/// <c>GET /v1/tokens/check</c>, in the shape of ChatApp's v1 token API, and makes <c>/broadcasting/auth</c> accept only
/// issued, unexpired access tokens (an expired or unknown one gets 401 <c>ApiInvalidTokenError</c>). Expiry follows
/// <see cref="TimeProvider"/>, so a test can jump 24 hours with a FakeTimeProvider.
/// </summary>
public sealed record TestTokenEndpointsOptions
{
    /// <summary>The email make accepts. Default <c>test@example.com</c>.</summary>
    public string Email { get; init; } = "test@example.com";

    /// <summary>The password make accepts. Default <c>test-password</c>. Never printed.</summary>
    public string Password { get; init; } = "test-password";

    /// <summary>The app id make accepts. Default <c>test-app</c>.</summary>
    public string AppId { get; init; } = "test-app";

    /// <summary>How long an access token is valid. Default 24 hours (ChatApp's).</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a refresh token is valid. Default 14 days (ChatApp's).</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Refresh rotates: the used refresh token stops working (the access token it replaced stays valid until its end).
    /// Default true.
    /// </summary>
    public bool RotateRefreshTokens { get; init; } = true;

    /// <summary>The clock for issuing and expiry. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Replaces an endpoint's answer: return a response to send it (5xx, refusals, garbage), or null for the normal
    /// answer. Counted requests include intercepted ones.
    /// </summary>
    public Func<TestTokenOperation, TestAuthResponse?>? Interceptor { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Email = {Email}, Password = ***, AppId = {AppId}, AccessTokenLifetime = {AccessTokenLifetime}, ")
               .Append($"RefreshTokenLifetime = {RefreshTokenLifetime}, RotateRefreshTokens = {RotateRefreshTokens}");
        return true;
    }
}
