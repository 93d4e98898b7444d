// What both auth endpoints (channel and user) do before their own work: read the form, check the Authorization
// header, record the request, let the interceptor answer, refuse with 401.
using Microsoft.AspNetCore.Http;

namespace PusherWire.Testing;

internal static class AuthRequestGate
{
    /// <summary>
    /// Reads and records the request, then answers it when the interceptor scripts an answer or the caller is not
    /// authorized (checked against the issued tokens when the token API is on, else against
    /// <see cref="PusherTestServerOptions.RequiredAuthorization"/>).
    /// </summary>
    /// <param name="server">The server whose options and token API decide.</param>
    /// <param name="context">The HTTP request and its response.</param>
    /// <param name="channelField">The form field holding the channel name, or null for the user endpoint (recorded as "").</param>
    /// <param name="record">Where the server keeps every request (before the interceptor sees it).</param>
    /// <returns>The recorded request when the endpoint should go on; null when the request has been answered.</returns>
    public static async Task<TestAuthRequest?> PassAsync(PusherTestServer server, HttpContext context, string? channelField, Action<TestAuthRequest> record)
    {
        PusherTestServerOptions options = server.Options;
        IFormCollection form = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
            : FormCollection.Empty;
        string presented = context.Request.Headers.Authorization.ToString();
        bool authorized = server.Tokens is { } tokens
            ? tokens.IsAccessTokenValid(presented)
            : options.RequiredAuthorization is null || TestHttp.SecretEquals(presented, options.RequiredAuthorization);
        var request = new TestAuthRequest(form["socket_id"].ToString(), channelField is null ? "" : form[channelField].ToString(), authorized,
            form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
        record(request);

        if (options.AuthInterceptor is { } intercept && await intercept(request, context.RequestAborted).ConfigureAwait(false) is { } scripted)
        {
            await TestHttp.WriteAsync(context, scripted.StatusCode, scripted.Body, scripted.ContentType).ConfigureAwait(false);
            return null;
        }

        if (!authorized)
        {
            // With the token API on, an expired or unknown access token is refused the way ChatApp refuses it.
            server.Tokens?.CountRefusedAuthorization();
            await TestHttp.WriteAsync(context, StatusCodes.Status401Unauthorized, server.Tokens is null ? """{"message":"Unauthenticated."}""" : TokenEndpointHandler.InvalidTokenBody).ConfigureAwait(false);
            return null;
        }

        return request;
    }
}
