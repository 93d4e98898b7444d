namespace PusherWire;

/// <summary>Arguments of <see cref="PusherClient.ReconnectScheduled"/> (pusher-js's <c>connecting_in</c>, with more detail).</summary>
/// <param name="Attempt">1 for the first retry after a healthy connection, growing while attempts keep failing.</param>
/// <param name="Delay">How long the client waits before the attempt.</param>
/// <param name="Action">What the close code asked for.</param>
/// <param name="Reason">What ended the previous connection or attempt, when known.</param>
public sealed record ReconnectScheduled(int Attempt, TimeSpan Delay, CloseAction Action, PusherException? Reason);
