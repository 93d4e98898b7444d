using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PusherWire.Testing;

/// <summary>
/// The server's <c>/broadcasting/auth</c>: a Laravel-style channel authorization endpoint. It checks the
/// <c>Authorization</c> header (401; against the issued tokens when the token API is on), asks
/// <see cref="PusherTestServerOptions.AuthorizeChannel"/> (403), and answers <c>{"auth":"key:signature"}</c>, plus
/// <c>channel_data</c> for presence channels and <c>shared_secret</c> for encrypted ones.
/// </summary>
internal static class AuthEndpointHandler
{
    public static async Task HandleAsync(PusherTestServer server, HttpContext context, Action<TestAuthRequest> record)
    {
        PusherTestServerOptions options = server.Options;
        IFormCollection form = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
            : FormCollection.Empty;
        string socketId = form["socket_id"].ToString();
        string channel = form["channel_name"].ToString();
        bool authorized = server.Tokens is { } tokens
            ? tokens.IsAccessTokenValid(context.Request.Headers.Authorization.ToString())
            : options.RequiredAuthorization is null || HeaderEquals(context.Request.Headers.Authorization.ToString(), options.RequiredAuthorization);
        var request = new TestAuthRequest(socketId, channel, authorized, form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
        record(request);

        if (options.AuthInterceptor is { } intercept && await intercept(request, context.RequestAborted).ConfigureAwait(false) is { } scripted)
        {
            await WriteAsync(context, scripted.StatusCode, scripted.Body, scripted.ContentType).ConfigureAwait(false);
            return;
        }

        if (!authorized)
        {
            // With the token API on, an expired or unknown access token is refused the way ChatApp refuses it.
            server.Tokens?.CountRefusedAuthorization();
            await WriteAsync(context, StatusCodes.Status401Unauthorized, server.Tokens is null ? """{"message":"Unauthenticated."}""" : TokenEndpointHandler.InvalidTokenBody).ConfigureAwait(false);
            return;
        }

        if (socketId.Length == 0 || channel.Length == 0)
        {
            await WriteAsync(context, StatusCodes.Status422UnprocessableEntity, """{"message":"socket_id and channel_name are required."}""").ConfigureAwait(false);
            return;
        }

        if (options.AuthorizeChannel is { } allow && !allow(channel))
        {
            await WriteAsync(context, StatusCodes.Status403Forbidden, """{"message":"This action is unauthorized."}""").ConfigureAwait(false);
            return;
        }

        string? channelData = null;
        if (channel.StartsWith("presence-", StringComparison.Ordinal))
        {
            PresenceMember member = options.PresenceMemberFor?.Invoke(socketId, channel) ?? new PresenceMember(socketId);
            channelData = PusherFrames.MemberJson(member);
        }

        string auth = PusherSignature.Sign(options.AppKey, options.AppSecret, socketId, channel, channelData);
        var fields = new Dictionary<string, string> { ["auth"] = auth };
        if (channelData is not null)
        {
            fields["channel_data"] = channelData;
        }

        server.AddSharedSecret(channel, fields); // private-encrypted- channels (PusherTestServer.Encryption.cs)
        string body = JsonSerializer.Serialize(fields, TestingJsonContext.Default.DictionaryStringString);
        await WriteAsync(context, StatusCodes.Status200OK, body).ConfigureAwait(false);
    }

    private static bool HeaderEquals(string actual, string required) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(required));

    private static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
