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
        if (await AuthRequestGate.PassAsync(server, context, "channel_name", record).ConfigureAwait(false) is not { } request)
        {
            return; // answered: scripted by the interceptor, or 401
        }

        PusherTestServerOptions options = server.Options;
        string socketId = request.SocketId;
        string channel = request.ChannelName;
        if (socketId.Length == 0 || channel.Length == 0)
        {
            await TestHttp.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, """{"message":"socket_id and channel_name are required."}""").ConfigureAwait(false);
            return;
        }

        if (options.AuthorizeChannel is { } allow && !allow(channel))
        {
            await TestHttp.WriteAsync(context, StatusCodes.Status403Forbidden, """{"message":"This action is unauthorized."}""").ConfigureAwait(false);
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
        await TestHttp.WriteAsync(context, StatusCodes.Status200OK, body).ConfigureAwait(false);
    }
}
