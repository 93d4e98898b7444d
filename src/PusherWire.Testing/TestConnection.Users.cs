// A test connection's sign-in: pusher:signin verification and the user it is signed in as.
using System.Text.Json;

namespace PusherWire.Testing;

public sealed partial class TestConnection
{
    private string? _signedInUserId;

    /// <summary>The user id this connection signed in as (<c>pusher:signin</c> verified); null before.</summary>
    public string? SignedInUserId
    {
        get
        {
            lock (_gate)
            {
                return _signedInUserId;
            }
        }
    }

    /// <summary>Waits until the client signed in (the server accepted <c>pusher:signin</c>).</summary>
    public Task<string> WaitForSignInAsync(CancellationToken cancellationToken = default) =>
        _changed.WaitAsync(() =>
        {
            lock (_gate)
            {
                return (_signedInUserId is not null, _signedInUserId!);
            }
        }, cancellationToken);

    /// <summary>Verifies <c>pusher:signin</c> (HMAC of <c>socket_id::user::user_data</c>); answers signin_success or pusher:error 4009.</summary>
    private async Task SignInAsync(JsonElement data, CancellationToken cancellationToken)
    {
        PusherTestServerOptions options = _server.Options;
        string? userData = PusherFrames.GetString(data, "user_data");
        if (userData is null || !PusherUserSignature.Verify(PusherFrames.GetString(data, "auth"), options.AppKey, options.AppSecret, SocketId, userData))
        {
            await SendAsync(PusherFrames.Error(4009, "Invalid signature: sign-in refused"), cancellationToken).ConfigureAwait(false);
            return;
        }

        string? id = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(userData);
            id = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out JsonElement i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        }
        catch (JsonException)
        {
            // Signed but not JSON: sent back as signed (the client must reject it), like a server that does not look inside.
        }

        lock (_gate)
        {
            _signedInUserId = id;
        }

        await SendAsync(PusherFrames.Event("pusher:signin_success", null, JsonSerializer.Serialize(new Dictionary<string, string> { ["user_data"] = userData }, TestingJsonContext.Default.DictionaryStringString)), cancellationToken).ConfigureAwait(false);
    }
}
