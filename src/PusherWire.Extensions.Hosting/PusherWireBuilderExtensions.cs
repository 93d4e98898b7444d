// Registration helpers for the health check and the PusherWire meter.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics;

namespace PusherWire.Extensions.Hosting;

/// <summary>Adds <see cref="PusherWireHealthCheck"/> to health checks and the <c>PusherWire</c> meter to metrics.</summary>
public static class PusherWireBuilderExtensions
{
    /// <summary>Adds the PusherWire health check (<c>services.AddHealthChecks().AddPusherWire()</c>).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>pusherwire</c>.</param>
    /// <param name="tags">Tags for filtering (e.g. <c>ready</c>).</param>
    public static IHealthChecksBuilder AddPusherWire(this IHealthChecksBuilder builder, string name = "pusherwire", params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<PusherWireHealthCheck>(name, failureStatus: null, tags: tags);
    }

    /// <summary>
    /// Enables every PusherWire instrument for the listeners of <c>Microsoft.Extensions.Diagnostics</c> metrics
    /// (<c>services.AddMetrics(m => m.EnablePusherWireMetrics())</c>). For OpenTelemetry, use
    /// <c>AddMeter(PusherDiagnostics.MeterName)</c> and <c>AddSource(PusherDiagnostics.ActivitySourceName)</c>.
    /// </summary>
    public static IMetricsBuilder EnablePusherWireMetrics(this IMetricsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.EnableMetrics(PusherDiagnostics.MeterName);
    }
}
