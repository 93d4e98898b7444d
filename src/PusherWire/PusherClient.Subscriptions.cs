// Subscription answers that do not come as subscription_succeeded: a pusher:error answering a subscribe.
using PusherWire.Internal;

namespace PusherWire;

public sealed partial class PusherClient
{
    /// <summary>True when <paramref name="connection"/> is the current one (timers use it to drop stale work).</summary>
    internal bool IsCurrent(object connection) => ReferenceEquals(connection, _connection);

    /// <summary>
    /// A <c>pusher:error</c> after the handshake. Pusher answers a bad subscribe with one (uncoded, no channel field),
    /// so it fails the pending channel whose name it quotes; or, when it names none but speaks of a subscription,
    /// signature or auth and exactly one channel is waiting, that channel. A sign-in waiting for its answer takes a 4009.
    /// </summary>
    private void OnServerError(PusherServerErrorException error)
    {
        if (TryFailSignIn(error))
        {
            return;
        }

        if (_connection is not { } connection)
        {
            return;
        }

        string message = error.ServerMessage;
        PusherChannel[] waiting = [.. _channels.Values.Where(c => c.IsAwaitingAnswer(connection))];
        PusherChannel? target = waiting
            .Where(c => message.Contains(c.Name, StringComparison.Ordinal))
            .OrderByDescending(c => c.Name.Length)
            .FirstOrDefault();
        if (target is null && waiting.Length == 1 && error.Code is null or 4009 &&
            (message.Contains("subscri", StringComparison.OrdinalIgnoreCase) || message.Contains("signature", StringComparison.OrdinalIgnoreCase) || message.Contains("auth", StringComparison.OrdinalIgnoreCase)))
        {
            target = waiting[0];
        }

        target?.Refuse(error.Code, null, $"the server answered pusher:error {(error.Code is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(no code)")}: {error.ServerMessage}");
    }
}
