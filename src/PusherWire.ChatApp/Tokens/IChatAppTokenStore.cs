// The persistence seam for the token pair: load at start, save after every make or refresh.
namespace PusherWire.ChatApp;

/// <summary>
/// Keeps the token pair across restarts, so a restarted service refreshes (or simply reuses) its pair instead of
/// calling <c>tokens.make</c>. <see cref="ChatAppFileTokenStore"/> is the file implementation; a service may keep the pair
/// in a secret store instead.
/// </summary>
public interface IChatAppTokenStore
{
    /// <summary>The saved pair, or null when none has been saved.</summary>
    /// <exception cref="ChatAppTokenException">The saved pair cannot be read (<see cref="ChatAppTokenFailure.Store"/>).</exception>
    ValueTask<ChatAppTokenPair?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the saved pair.</summary>
    ValueTask SaveAsync(ChatAppTokenPair pair, CancellationToken cancellationToken);
}
