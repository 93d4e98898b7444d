using System.Diagnostics;
using System.Runtime.CompilerServices;
using PusherWire.Authorization;
using PusherWire.Internal;

namespace PusherWire;

/// <summary>Metrics and traces: the hooks the dispatch, supervisor and subscribe paths call (see <see cref="PusherDiagnostics"/>).</summary>
public sealed partial class PusherClient
{
    /// <summary>Per-client tag values, built once.</summary>
    internal MetricTags MetricTags { get; }

    /// <summary>Events waiting in every reader queue of this client and its channels (the queue-depth gauge).</summary>
    internal long QueuedMessages
    {
        get
        {
            long queued = _readers.Count;
            foreach (PusherChannel channel in _channels.Values)
            {
                queued += channel.QueuedMessages;
            }

            return queued;
        }
    }

    /// <summary>Counts one received application event; one branch and nothing else when nobody listens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordReceived(PusherChannel? channel, int dataBytes)
    {
        if (PusherMetrics.EventsReceived.Enabled || PusherMetrics.BytesReceived.Enabled)
        {
            RecordReceivedSlow(channel, dataBytes);
        }
    }

    private void RecordReceivedSlow(PusherChannel? channel, int dataBytes)
    {
        TagList tags = MetricTags.ForChannel(channel);
        PusherMetrics.EventsReceived.Add(1, tags);
        PusherMetrics.BytesReceived.Add(dataBytes, tags);
    }

    private void RecordReconnect(CloseAction action, PusherException? error)
    {
        if (PusherMetrics.Reconnects.Enabled)
        {
            var tags = new TagList(MetricTags.ServerTags)
            {
                { "pusher.close_action", action.ToString() },
                { "error.type", error is null ? "none" : PusherTracing.ErrorType(error) },
            };
            PusherMetrics.Reconnects.Add(1, tags);
        }
    }

    private void RecordReported(PusherException error)
    {
        if (error is PusherHandlerException && PusherMetrics.HandlerExceptions.Enabled)
        {
            PusherMetrics.HandlerExceptions.Add(1, new TagList(MetricTags.ServerTags));
        }
    }

    private void RecordDropped()
    {
        if (PusherMetrics.EventsDropped.Enabled)
        {
            var tags = new TagList(MetricTags.ServerTags) { { "pusher.reader.overflow", Options.ReaderOverflow.ToString() } };
            PusherMetrics.EventsDropped.Add(1, tags);
        }
    }

    /// <summary>Opens the socket inside a <c>pusher connect</c> span (a no-op when nobody traces).</summary>
    private async Task OpenTracedAsync(PusherConnection connection, Uri uri, CancellationToken stop)
    {
        using Activity? activity = PusherTracing.StartConnect(Options, uri);
        try
        {
            await connection.OpenAsync(uri, stop).ConfigureAwait(false);
            activity?.SetTag("pusher.socket_established", true);
        }
        catch (Exception e)
        {
            PusherTracing.SetError(activity, e);
            throw;
        }
    }

    /// <summary>
    /// Asks the authorizer inside a <c>pusher authorize</c> span (so the HTTP authorizer's request carries its W3C
    /// trace context) and records the duration and any failure.
    /// </summary>
    private async ValueTask<ChannelAuthorization> AuthorizeTracedAsync(IChannelAuthorizer authorizer, ChannelAuthorizationRequest request, PusherChannel channel, CancellationToken cancellationToken)
    {
        using Activity? activity = PusherTracing.StartAuthorize(channel);
        bool timed = PusherMetrics.AuthDuration.Enabled;
        long started = timed ? Options.TimeProvider.GetTimestamp() : 0;
        string? errorType = null;
        try
        {
            return await authorizer.AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            errorType = PusherTracing.ErrorType(e);
            PusherTracing.SetError(activity, e);
            if (PusherMetrics.AuthFailures.Enabled)
            {
                var tags = new TagList(MetricTags.ServerTags) { { "error.type", errorType }, { "pusher.channel.type", PusherMetrics.ChannelTypeName(channel.Type) } };
                PusherMetrics.AuthFailures.Add(1, tags);
            }

            throw;
        }
        finally
        {
            if (timed)
            {
                var tags = new TagList(MetricTags.ServerTags) { { "pusher.channel.type", PusherMetrics.ChannelTypeName(channel.Type) } };
                if (errorType is not null)
                {
                    tags.Add("error.type", errorType);
                }

                PusherMetrics.AuthDuration.Record(Options.TimeProvider.GetElapsedTime(started).TotalSeconds, tags);
            }
        }
    }
}
