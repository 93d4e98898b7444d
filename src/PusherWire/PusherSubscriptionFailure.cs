// Why the server side of a subscription failed (PusherSubscriptionException.Failure).
namespace PusherWire;

/// <summary>Why a subscription failed after (or without) authorization.</summary>
public enum PusherSubscriptionFailure
{
    /// <summary>The server refused it: <c>pusher:subscription_error</c>, or a <c>pusher:error</c> answering the subscribe.</summary>
    Refused,

    /// <summary>No answer within <see cref="PusherOptions.SubscriptionTimeout"/>.</summary>
    Timeout,
}
