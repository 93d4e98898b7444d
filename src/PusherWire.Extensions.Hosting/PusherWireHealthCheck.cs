// The health check: connected with every channel subscribed = Healthy, reconnecting = Degraded, failed = Unhealthy.
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PusherWire.Extensions.Hosting;

/// <summary>
/// Reports the registered <see cref="PusherClient"/>: <b>Healthy</b> when connected and every channel is subscribed;
/// <b>Degraded</b> while connecting or reconnecting, or when connected with channels still pending or refused;
/// <b>Unhealthy</b> when failed, disconnected or not started. The data lists the state and the channel counts.
/// </summary>
public sealed class PusherWireHealthCheck : IHealthCheck
{
    private readonly PusherClient _client;

    /// <summary>Created by the container.</summary>
    public PusherWireHealthCheck(PusherClient client) => _client = client;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ConnectionState state = _client.State;
        PusherChannel[] channels = [.. _client.Channels];
        int subscribed = channels.Count(c => c.State == SubscriptionState.Subscribed);
        int failed = channels.Count(c => c.State == SubscriptionState.Failed);
        var data = new Dictionary<string, object>
        {
            ["state"] = state.ToString(),
            ["channels"] = channels.Length,
            ["subscribed"] = subscribed,
            ["failed"] = failed,
        };
        HealthCheckResult result = state switch
        {
            ConnectionState.Connected when subscribed == channels.Length => HealthCheckResult.Healthy("Connected; every channel subscribed.", data),
            ConnectionState.Connected => HealthCheckResult.Degraded($"Connected; {subscribed} of {channels.Length} channels subscribed, {failed} refused.", data: data),
            ConnectionState.Connecting or ConnectionState.Unavailable => HealthCheckResult.Degraded($"Not connected ({state}); reconnecting.", data: data),
            _ => new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, $"Not connected ({state}).", data: data),
        };
        return Task.FromResult(result);
    }
}
