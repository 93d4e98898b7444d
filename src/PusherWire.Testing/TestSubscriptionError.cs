// A scripted pusher:subscription_error (PusherTestServerOptions.SubscriptionErrorFor).
namespace PusherWire.Testing;

/// <summary>A <c>pusher:subscription_error</c> the server answers a subscribe with, as Laravel Reverb and soketi send it.</summary>
/// <param name="Status">The <c>status</c> (e.g. 401, 403).</param>
/// <param name="Type">The <c>type</c>. Default <c>AuthError</c>.</param>
/// <param name="Error">The <c>error</c> text.</param>
public sealed record TestSubscriptionError(int Status, string Type = "AuthError", string Error = "Unable to subscribe");
