// The server's user auth endpoint (/pusher/user-auth): answers {"auth","user_data"} for pusher-js signin().
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PusherWire.Testing;

/// <summary>
/// Checks the <c>Authorization</c> header exactly like the channel endpoint (<see cref="AuthRequestGate"/>: 401), then signs
/// <see cref="PusherTestServerOptions.UserDataFor"/>'s user data with <see cref="PusherUserSignature"/>.
/// <see cref="PusherTestServerOptions.AuthInterceptor"/> sees these requests too (with an empty channel name).
/// </summary>
internal static class UserAuthEndpointHandler
{
    public static async Task HandleAsync(PusherTestServer server, HttpContext context, Action<TestAuthRequest> record)
    {
        if (await AuthRequestGate.PassAsync(server, context, channelField: null, record).ConfigureAwait(false) is not { } request)
        {
            return; // answered: scripted by the interceptor, or 401
        }

        PusherTestServerOptions options = server.Options;
        string socketId = request.SocketId;
        if (socketId.Length == 0)
        {
            await TestHttp.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, """{"message":"socket_id is required."}""", "application/json").ConfigureAwait(false);
            return;
        }

        string userData = options.UserDataFor?.Invoke(socketId) ?? JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = socketId }, TestingJsonContext.Default.DictionaryStringString);
        string auth = PusherUserSignature.Sign(options.AppKey, options.AppSecret, socketId, userData);
        await TestHttp.WriteAsync(context, StatusCodes.Status200OK, JsonSerializer.Serialize(new Dictionary<string, string> { ["auth"] = auth, ["user_data"] = userData }, TestingJsonContext.Default.DictionaryStringString), "application/json").ConfigureAwait(false);
    }
}
