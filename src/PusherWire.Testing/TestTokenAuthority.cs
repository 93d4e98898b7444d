// The test server's token state: issued access/refresh tokens with end times, and counters per endpoint.
using System.Security.Cryptography;

namespace PusherWire.Testing;

/// <summary>
/// The tokens a <see cref="PusherTestServer"/> with <see cref="PusherTestServerOptions.TokenEndpoints"/> has issued.
/// Tests seed pairs with <see cref="Issue"/>, read how often each endpoint was called, and revoke tokens.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class TestTokenAuthority
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _refresh = new(StringComparer.Ordinal);
    private int _makes;
    private int _refreshes;
    private int _checks;
    private int _refusedAuthorizations;

    internal TestTokenAuthority(TestTokenEndpointsOptions options)
    {
        Options = options;
    }

    /// <summary>The settings in use.</summary>
    public TestTokenEndpointsOptions Options { get; }

    /// <summary>How many requests reached <c>POST /v1/tokens</c>.</summary>
    public int MakeCount => Volatile.Read(ref _makes);

    /// <summary>How many requests reached <c>POST /v1/tokens/refresh</c>.</summary>
    public int RefreshCount => Volatile.Read(ref _refreshes);

    /// <summary>How many requests reached <c>GET /v1/tokens/check</c>.</summary>
    public int CheckCount => Volatile.Read(ref _checks);

    /// <summary>How many <c>/broadcasting/auth</c> requests were refused for an expired, revoked or unknown access token.</summary>
    public int RefusedAuthorizationCount => Volatile.Read(ref _refusedAuthorizations);

    /// <summary>Issues a new pair now (what make does after checking the credentials).</summary>
    public TestTokenPair Issue()
    {
        DateTimeOffset now = Options.TimeProvider.GetUtcNow();
        var pair = new TestTokenPair(NewToken("at"), now + Options.AccessTokenLifetime, NewToken("rt"), now + Options.RefreshTokenLifetime);
        lock (_gate)
        {
            _access[pair.AccessToken] = pair.AccessTokenEndTime;
            _refresh[pair.RefreshToken] = pair.RefreshTokenEndTime;
        }

        return pair;
    }

    /// <summary>Whether <paramref name="accessToken"/> was issued, is not revoked and has not expired.</summary>
    public bool IsAccessTokenValid(string? accessToken) => IsValid(_access, accessToken);

    /// <summary>Whether <paramref name="refreshToken"/> was issued, is not used up or revoked, and has not expired.</summary>
    public bool IsRefreshTokenValid(string? refreshToken) => IsValid(_refresh, refreshToken);

    /// <summary>Makes every issued access and refresh token invalid (a password change, say).</summary>
    public void RevokeAll()
    {
        lock (_gate)
        {
            _access.Clear();
            _refresh.Clear();
        }
    }

    internal int CountRequest(TestTokenOperation operation) => operation switch
    {
        TestTokenOperation.Make => Interlocked.Increment(ref _makes),
        TestTokenOperation.Refresh => Interlocked.Increment(ref _refreshes),
        _ => Interlocked.Increment(ref _checks),
    };

    internal void CountRefusedAuthorization() => Interlocked.Increment(ref _refusedAuthorizations);

    /// <summary>Refresh: a new pair for a valid refresh token, or null. The used one stops working when rotating.</summary>
    internal TestTokenPair? Refresh(string refreshToken)
    {
        lock (_gate)
        {
            if (!IsValid(_refresh, refreshToken))
            {
                return null;
            }

            if (Options.RotateRefreshTokens)
            {
                _refresh.Remove(refreshToken);
            }
        }

        return Issue();
    }

    private bool IsValid(Dictionary<string, DateTimeOffset> tokens, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        lock (_gate)
        {
            return tokens.TryGetValue(token, out DateTimeOffset end) && Options.TimeProvider.GetUtcNow() < end;
        }
    }

    private static string NewToken(string kind) => $"{kind}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
}
