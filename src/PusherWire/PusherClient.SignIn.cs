// User sign-in (pusher-js user.ts): pusher:signin, pusher:signin_success, the #server-to-user channel, the watchlist.
using System.Text.Json;
using PusherWire.Authorization;
using PusherWire.Internal;

namespace PusherWire;

public sealed partial class PusherClient
{
    private PusherUser? _user;
    private volatile bool _signInRequested;

    /// <summary>The user this client signs in as (see <see cref="SignIn"/>); its events and watchlist.</summary>
    public PusherUser User => LazyInitializer.EnsureInitialized(ref _user, () => new PusherUser(this));

    /// <summary>
    /// Signs the connection in as a user (pusher-js <c>signin()</c>) now if connected, else on connect, and again after
    /// every reconnect, using <see cref="PusherOptions.UserAuthenticator"/>. Idempotent. Failures are raised on
    /// <see cref="PusherUser.SignInFailed"/> and <see cref="Error"/>; calling it again after a failure tries again.
    /// </summary>
    public PusherUser SignIn()
    {
        PusherUser user = User;
        _signInRequested = true;
        if (_connection is { } connection && _state == ConnectionState.Connected)
        {
            _ = SignInOnAsync(connection);
        }

        return user;
    }

    /// <summary>Calls <see cref="SignIn"/> and waits until signed in on the current connection.</summary>
    /// <exception cref="PusherSignInException">The sign-in failed.</exception>
    public Task SignInAsync(CancellationToken cancellationToken = default) => SignIn().WaitForSignInAsync(cancellationToken);

    /// <summary>The signed-in user's id, for presence channels whose authorizer sends no channel_data (as pusher-js allows).</summary>
    internal string? SignedInUserId => _user?.Id;

    /// <summary>Starts the sign-in of a new connection (called on connect, before channels resubscribe).</summary>
    private void StartSignIn(PusherConnection connection)
    {
        if (_signInRequested)
        {
            _ = SignInOnAsync(connection);
        }
    }

    private async Task SignInOnAsync(PusherConnection connection)
    {
        PusherUser user = User;
        if (!user.TryClaim(connection))
        {
            return;
        }

        CancellationToken lifetime = connection.Lifetime;
        try
        {
            IUserAuthenticator authenticator = Options.UserAuthenticator ?? throw new PusherSignInException(
                PusherSignInFailure.Other, null, "no UserAuthenticator is configured in PusherOptions.");
            UserAuthentication result = await authenticator.AuthenticateAsync(new UserAuthenticationRequest(connection.SocketId), lifetime).ConfigureAwait(false);
            if (ReferenceEquals(connection, _connection))
            {
                await connection.SendAsync(f => f.SignIn(result.Auth, result.UserData), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception) when (!ReferenceEquals(connection, _connection))
        {
            // Replaced meanwhile: the new connection signs in on its own.
        }
        catch (PusherSignInException e)
        {
            user.Fail(e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            user.Fail(new PusherSignInException(PusherSignInFailure.Other, null, $"the user authenticator threw {e.GetType().Name}.", e));
        }
    }

    /// <summary>Frames on no subscribed channel: <c>pusher:signin_success</c> and the user channel's events.</summary>
    private void HandleUnrouted(in ParsedFrame frame)
    {
        if (_user is not { } user)
        {
            return;
        }

        if (!frame.HasChannel)
        {
            if (frame.EventName.SequenceEqual("pusher:signin_success"u8))
            {
                OnSignInSuccess(user, frame.Data);
            }

            return;
        }

        // pusher-js user.ts: the user channel's own events go to the user's bindings, pusher: ones are not emitted there.
        if (user.ChannelNameUtf8 is { } channelName && frame.Channel.SequenceEqual(channelName) && !frame.EventName.StartsWith("pusher:"u8))
        {
            PusherMessage? copy = null;
            user.Dispatch(frame.ToEvent(), _connection?.BlockedWrites ?? [], ref copy, _connection?.Lifetime ?? CancellationToken.None);
        }
    }

    private void OnSignInSuccess(PusherUser user, ReadOnlySpan<byte> data)
    {
        if (_connection is not { } connection || !user.IsAwaiting(connection))
        {
            return; // unsolicited or a duplicate
        }

        string? userData = null, id = null;
        try
        {
            using JsonDocument outer = JsonDocument.Parse(data.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            if (outer.RootElement.ValueKind == JsonValueKind.Object && outer.RootElement.TryGetProperty("user_data", out JsonElement u) && u.ValueKind == JsonValueKind.String)
            {
                userData = u.GetString();
                using JsonDocument inner = JsonDocument.Parse(userData ?? "", new JsonDocumentOptions { MaxDepth = 32 });
                id = inner.RootElement.ValueKind == JsonValueKind.Object && inner.RootElement.TryGetProperty("id", out JsonElement i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            }
        }
        catch (JsonException)
        {
            id = null;
        }

        if (string.IsNullOrEmpty(id) || userData is null)
        {
            user.Fail(new PusherSignInException(PusherSignInFailure.InvalidUserData, null,
                "pusher:signin_success carried user_data that is not JSON with a non-empty string 'id'."));
            return;
        }

        user.SetSignedIn(id, userData);
        string channel = PusherUser.ServerToUserPrefix + id;
        // No authorization: the server subscribes the signed-in socket to its own user channel (pusher-js does the same).
        _ = connection.SendAsync(f => f.Subscribe(channel, null, null), CancellationToken.None);
    }

    /// <summary>pusher_internal frames on no subscribed channel: the user channel's confirmation, watchlist events.</summary>
    private void HandleUserInternal(in ParsedFrame frame)
    {
        if (_user is not { } user || !frame.EventName.SequenceEqual("pusher_internal:watchlist_events"u8))
        {
            return;
        }

        List<WatchlistEventArgs> events = [];
        try
        {
            using JsonDocument document = JsonDocument.Parse(frame.Data.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("events", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in list.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String)
                    {
                        string[] ids = item.TryGetProperty("user_ids", out JsonElement idList) && idList.ValueKind == JsonValueKind.Array
                            ? [.. idList.EnumerateArray().Where(x => x.ValueKind is JsonValueKind.String or JsonValueKind.Number).Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText())]
                            : [];
                        events.Add(new WatchlistEventArgs(name.GetString()!, ids));
                    }
                }
            }
        }
        catch (JsonException)
        {
            ReportError(new PusherProtocolException("A pusher_internal:watchlist_events frame was not valid JSON and was skipped."));
            return;
        }

        foreach (WatchlistEventArgs e in events)
        {
            user.RaiseWatchlist(e);
        }
    }

    /// <returns>True when <paramref name="error"/> (a 4009) answered a pending sign-in.</returns>
    private bool TryFailSignIn(PusherServerErrorException error)
    {
        if (error.Code != 4009 || _user is not { } user || _connection is not { } connection || !user.IsAwaiting(connection))
        {
            return false;
        }

        user.Fail(new PusherSignInException(PusherSignInFailure.Refused, error.Code, $"the server refused it: {error.ServerMessage}"));
        return true;
    }
}
