// Where a token pair came from (ChatAppTokenRenewedEventArgs.Source).
namespace PusherWire.ChatApp;

/// <summary>Where the pair a <see cref="ChatAppTokenManager"/> now holds came from.</summary>
public enum ChatAppTokenSource
{
    /// <summary>Loaded from the <see cref="IChatAppTokenStore"/>.</summary>
    Store,

    /// <summary>Returned by <c>tokens.refresh</c>.</summary>
    Refresh,

    /// <summary>Returned by <c>tokens.make</c>.</summary>
    Make,
}
