// The server's user auth endpoint (/pusher/user-auth): answers {"auth","user_data"} for pusher-js signin().
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PusherWire.Testing;

/// <summary>
/// Checks the <c>Authorization</c> header like the channel endpoint (401), then signs
/// <see cref="PusherTestServerOptions.UserDataFor"/>'s user data with <see cref="PusherUserSignature"/>.
/// <see cref="PusherTestServerOptions.AuthInterceptor"/> sees these requests too (with an empty channel name).
/// </summary>
internal static class UserAuthEndpointHandler
{
    public static async Task HandleAsync(PusherTestServer server, HttpContext context, Action<TestAuthRequest> record)
    {
        PusherTestServerOptions options = server.Options;
        IFormCollection form = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
            : FormCollection.Empty;
        string socketId = form["socket_id"].ToString();
        bool authorized = options.RequiredAuthorization is null || CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()), Encoding.UTF8.GetBytes(options.RequiredAuthorization));
        var request = new TestAuthRequest(socketId, "", authorized, form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
        record(request);

        if (options.AuthInterceptor is { } intercept && await intercept(request, context.RequestAborted).ConfigureAwait(false) is { } scripted)
        {
            await WriteAsync(context, scripted.StatusCode, scripted.Body, scripted.ContentType).ConfigureAwait(false);
            return;
        }

        if (!authorized)
        {
            await WriteAsync(context, StatusCodes.Status401Unauthorized, """{"message":"Unauthenticated."}""", "application/json").ConfigureAwait(false);
            return;
        }

        if (socketId.Length == 0)
        {
            await WriteAsync(context, StatusCodes.Status422UnprocessableEntity, """{"message":"socket_id is required."}""", "application/json").ConfigureAwait(false);
            return;
        }

        string userData = options.UserDataFor?.Invoke(socketId) ?? JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = socketId }, TestingJsonContext.Default.DictionaryStringString);
        string auth = PusherUserSignature.Sign(options.AppKey, options.AppSecret, socketId, userData);
        await WriteAsync(context, StatusCodes.Status200OK, JsonSerializer.Serialize(new Dictionary<string, string> { ["auth"] = auth, ["user_data"] = userData }, TestingJsonContext.Default.DictionaryStringString), "application/json").ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
