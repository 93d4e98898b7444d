namespace PusherWire.Internal;

/// <summary>How one connection ended, and so what the client does next.</summary>
/// <param name="CloseCode">The close code the server sent, or null when the connection was lost without one.</param>
/// <param name="ServerErrorCode">The code of a <c>pusher:error</c> that refused the handshake, which decides when there is no 4xxx close code.</param>
/// <param name="Error">What went wrong, when something did.</param>
/// <param name="PongTimeout">True when our ping went unanswered (pusher-js reconnects at once).</param>
internal sealed record SessionEnd(int? CloseCode, int? ServerErrorCode, PusherException? Error, bool PongTimeout = false)
{
    /// <summary>The Pusher code that decides the action: a 4xxx close code, else the handshake's <c>pusher:error</c> code, else the close code.</summary>
    public int? EffectiveCode => CloseCode is >= 4000 and <= 4999 ? CloseCode : ServerErrorCode ?? CloseCode;

    public CloseAction Action => PongTimeout ? CloseAction.Retry : PusherCloseCodes.GetCloseAction(EffectiveCode);
}
