// The three token endpoints the test server can emulate (TestTokenEndpointsOptions.Interceptor's argument).
namespace PusherWire.Testing;

/// <summary>One of the emulated token endpoints.</summary>
public enum TestTokenOperation
{
    /// <summary><c>POST /v1/tokens</c>: a pair from email, password and app id.</summary>
    Make,

    /// <summary><c>POST /v1/tokens/refresh</c>: the next pair for the refresh token in the <c>Refresh</c> header.</summary>
    Refresh,

    /// <summary><c>GET /v1/tokens/check</c>: whether the <c>Authorization</c> access token is valid.</summary>
    Check,
}
