// The PusherWire ActivitySource: spans for connect, subscribe and channel authorization, and W3C context injection.
using System.Diagnostics;

namespace PusherWire.Internal;

/// <summary>
/// StartActivity returns null when nobody listens, so every span here is free without a listener. Spans carry the
/// channel name (a trace is per operation, not an aggregate), never a token or a socket id.
/// </summary>
internal static class PusherTracing
{
    public static readonly ActivitySource Source = new(PusherDiagnostics.ActivitySourceName, PusherOptions.LibraryVersion);

    public static Activity? StartConnect(PusherOptions options, Uri uri)
    {
        Activity? activity = Source.StartActivity("pusher connect", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("server.address", options.Host);
            activity.SetTag("server.port", uri.Port);
            activity.SetTag("url.scheme", uri.Scheme);
        }

        return activity;
    }

    public static Activity? StartSubscribe(PusherChannel channel) => StartForChannel("pusher subscribe", ActivityKind.Internal, channel);

    public static Activity? StartAuthorize(PusherChannel channel) => StartForChannel("pusher authorize", ActivityKind.Client, channel);

    public static void SetError(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", ErrorType(error));
    }

    /// <summary>
    /// Adds <c>traceparent</c> (and <c>tracestate</c>/baggage) for the current activity to an outgoing request, so the
    /// auth endpoint's own trace joins the client's. HttpClient's handler does this too when it is instrumented; a
    /// header already present is left alone, so it is never doubled.
    /// </summary>
    public static void InjectTraceContext(HttpRequestMessage request)
    {
        if (Activity.Current is not { } current || request.Headers.Contains("traceparent"))
        {
            return;
        }

        DistributedContextPropagator.Current.Inject(current, request, static (carrier, name, value) =>
        {
            if (carrier is HttpRequestMessage message && value is not null)
            {
                message.Headers.Remove(name);
                message.Headers.TryAddWithoutValidation(name, value);
            }
        });
    }

    /// <summary>A bounded error description: the failure kind for authorization errors, else the exception type.</summary>
    public static string ErrorType(Exception error) => error switch
    {
        Authorization.ChannelAuthorizationException auth => auth.Failure.ToString(),
        _ => error.GetType().Name,
    };

    private static Activity? StartForChannel(string name, ActivityKind kind, PusherChannel channel)
    {
        Activity? activity = Source.StartActivity(name, kind);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("pusher.channel", channel.Name);
            activity.SetTag("pusher.channel.type", PusherMetrics.ChannelTypeName(channel.Type));
        }

        return activity;
    }
}
