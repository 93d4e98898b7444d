// Source-generated ILogger messages for PusherWire clients, with the event ids documented in docs/hosting.md.
using Microsoft.Extensions.Logging;

namespace PusherWire.Extensions.Hosting;

/// <summary>
/// The log messages of a hosted PusherWire client (category <c>PusherWire</c>). Event ids are stable: filter or alert
/// on them. Messages come from the client's sanitized errors and never contain tokens.
/// </summary>
public static partial class PusherWireLog
{
    /// <summary>The logger category.</summary>
    public const string Category = "PusherWire";

    /// <summary>1: the connection state changed (Information; Failed is logged as 6 instead).</summary>
    [LoggerMessage(EventId = 1, EventName = "StateChanged", Level = LogLevel.Information, Message = "PusherWire connection {Previous} -> {Current}")]
    public static partial void StateChanged(ILogger logger, ConnectionState previous, ConnectionState current);

    /// <summary>2: a reconnect was scheduled (Warning).</summary>
    [LoggerMessage(EventId = 2, EventName = "ReconnectScheduled", Level = LogLevel.Warning, Message = "PusherWire reconnect #{Attempt} in {Delay} ({Action}): {Reason}")]
    public static partial void ReconnectScheduled(ILogger logger, int attempt, TimeSpan delay, CloseAction action, string reason);

    /// <summary>3: a problem the client survives: server error, malformed or oversized frame, transport loss (Warning).</summary>
    [LoggerMessage(EventId = 3, EventName = "ClientError", Level = LogLevel.Warning, Message = "PusherWire: {Message}")]
    public static partial void ClientError(ILogger logger, string message, Exception exception);

    /// <summary>4: an application callback or event handler threw (Error).</summary>
    [LoggerMessage(EventId = 4, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "PusherWire handler for '{EventName}' on '{Channel}' threw")]
    public static partial void HandlerFailed(ILogger logger, string eventName, string channel, Exception exception);

    /// <summary>5: a channel could not be authorized (Warning); it is retried after the next reconnect.</summary>
    [LoggerMessage(EventId = 5, EventName = "AuthorizationFailed", Level = LogLevel.Warning, Message = "PusherWire could not authorize '{Channel}' ({Failure}, HTTP {StatusCode})")]
    public static partial void AuthorizationFailed(ILogger logger, string channel, Authorization.ChannelAuthorizationFailure failure, int? statusCode, Exception exception);

    /// <summary>6: the client gave up (state Failed): refused by the server or out of reconnect attempts (Error).</summary>
    [LoggerMessage(EventId = 6, EventName = "ConnectionFailed", Level = LogLevel.Error, Message = "PusherWire connection failed and will not be retried")]
    public static partial void ConnectionFailed(ILogger logger);

    /// <summary>7: the hosted service is starting the client (Information).</summary>
    [LoggerMessage(EventId = 7, EventName = "Starting", Level = LogLevel.Information, Message = "PusherWire connecting to {Host} with {ChannelCount} channel(s)")]
    public static partial void Starting(ILogger logger, string host, int channelCount);

    /// <summary>8: the hosted service could not disconnect within the host's shutdown timeout (Warning).</summary>
    [LoggerMessage(EventId = 8, EventName = "StopTimedOut", Level = LogLevel.Warning, Message = "PusherWire did not disconnect within the host's shutdown timeout")]
    public static partial void StopTimedOut(ILogger logger);

    /// <summary>Routes a client's StateChanged, ReconnectScheduled and Error events to <paramref name="logger"/>.</summary>
    /// <returns>Disposing it detaches the logging.</returns>
    public static IDisposable Attach(PusherClient client, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        EventHandler<ConnectionStateChangedEventArgs> onState = (_, e) =>
        {
            if (e.Current == ConnectionState.Failed)
            {
                ConnectionFailed(logger);
            }
            else
            {
                StateChanged(logger, e.Previous, e.Current);
            }
        };
        EventHandler<ReconnectScheduledEventArgs> onReconnect = (_, e) =>
            ReconnectScheduled(logger, e.Attempt, e.Delay, e.Action, e.Reason?.Message ?? "connection closed");
        EventHandler<PusherException> onError = (_, e) =>
        {
            switch (e)
            {
                case PusherHandlerException h:
                    HandlerFailed(logger, h.EventName, h.Channel, h);
                    break;
                case Authorization.ChannelAuthorizationException a:
                    AuthorizationFailed(logger, a.ChannelName, a.Failure, a.StatusCode, a);
                    break;
                default:
                    ClientError(logger, e.Message, e);
                    break;
            }
        };
        client.StateChanged += onState;
        client.ReconnectScheduled += onReconnect;
        client.Error += onError;
        return new Detach(() =>
        {
            client.StateChanged -= onState;
            client.ReconnectScheduled -= onReconnect;
            client.Error -= onError;
        });
    }

    private sealed class Detach(Action detach) : IDisposable
    {
        public void Dispose() => detach();
    }
}
