using PusherWire.Authorization;
using PusherWire.Internal;

namespace PusherWire;

/// <summary>Routing of received frames to channels, callbacks and readers; subscription handshakes.</summary>
public sealed partial class PusherClient
{
    ValueTask IConnectionOwner.OnFrameAsync(PusherConnection connection, in ParsedFrame frame)
    {
        if (!ReferenceEquals(connection, _connection))
        {
            return ValueTask.CompletedTask; // a frame from a connection being replaced
        }

        PusherChannel? channel = null;
        if (frame.HasChannel)
        {
            _channels.TryGetValue(frame.Channel, out channel);
        }

        ReadOnlySpan<byte> name = frame.EventName;
        List<ValueTask> blocked = connection.BlockedWrites;
        CancellationToken lifetime = connection.Lifetime;
        if (name.StartsWith("pusher_internal:"u8))
        {
            // Queued like any event, so Wait readers keep their order and bound, and the write ends with the connection.
            HandleInternal(channel, frame, blocked, lifetime);
            return blocked.Count == 0 ? ValueTask.CompletedTask : AwaitBlockedAsync(blocked);
        }

        if (channel is null)
        {
            HandleUnrouted(frame); // sign-in results and the user channel (PusherClient.SignIn.cs)
        }
        else if (name.SequenceEqual("pusher:subscription_error"u8))
        {
            channel.OnSubscriptionError(frame.Data); // and Bind hears it below, as in pusher-js
        }

        if (channel is { IsEncrypted: true } && !name.StartsWith("pusher:"u8))
        {
            return DispatchEncrypted(connection, channel, frame); // PusherClient.Encryption.cs
        }

        return Deliver(connection, channel, frame.ToEvent());
    }

    /// <summary>Hands one application event to the channel's bindings, the global callbacks and the readers.</summary>
    private ValueTask Deliver(PusherConnection connection, PusherChannel? channel, in PusherEvent e)
    {
        RecordReceived(channel, e.Data.Length);
        List<ValueTask> blocked = connection.BlockedWrites;
        CancellationToken lifetime = connection.Lifetime;
        PusherMessage? copy = null;
        channel?.Dispatch(e, blocked, ref copy, lifetime);
        foreach (PusherEventCallback callback in _global)
        {
            Invoke(callback, e);
        }

        if (!_readers.IsEmpty)
        {
            copy ??= e.ToMessage();
            _readers.Publish(copy, blocked, lifetime);
        }

        return blocked.Count == 0 ? ValueTask.CompletedTask : AwaitBlockedAsync(blocked);
    }

    private static async ValueTask AwaitBlockedAsync(List<ValueTask> blocked)
    {
        try
        {
            foreach (ValueTask write in blocked)
            {
                try
                {
                    await write.ConfigureAwait(false);
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    // The reader went away while we waited for room.
                }
                catch (OperationCanceledException)
                {
                    // The connection ended while a reader was full (Wait policy): the event is not delivered, and the
                    // receive loop must not wait for a reader that may never read again.
                }
            }
        }
        finally
        {
            blocked.Clear();
        }
    }

    private void HandleInternal(PusherChannel? channel, in ParsedFrame frame, List<ValueTask> blocked, CancellationToken lifetime)
    {
        if (channel is null)
        {
            HandleUserInternal(frame); // the user channel's confirmation, watchlist events
            return;
        }

        ReadOnlySpan<byte> name = frame.EventName;
        ReadOnlySpan<byte> publicName;
        if (name.SequenceEqual("pusher_internal:subscription_succeeded"u8))
        {
            if (!channel.SetSubscribed(frame.Data))
            {
                return; // duplicate: bindings heard of this connection's confirmation already
            }

            publicName = "pusher:subscription_succeeded"u8;
        }
        else if (name.SequenceEqual("pusher_internal:subscription_count"u8))
        {
            channel.SubscriptionCount = SubscriptionCountParser.TryParse(frame.Data);
            publicName = "pusher:subscription_count"u8;
        }
        else if (name.SequenceEqual("pusher_internal:member_added"u8) || name.SequenceEqual("pusher_internal:member_removed"u8))
        {
            bool added = name.SequenceEqual("pusher_internal:member_added"u8);
            if (!channel.ApplyMemberEvent(added, frame.Data))
            {
                return; // a duplicate, an unknown member, or not a presence channel: nothing changed
            }

            publicName = added ? "pusher:member_added"u8 : "pusher:member_removed"u8;
        }
        else
        {
            return;
        }

        // pusher-js emits these to channel bindings under their pusher: names.
        PusherMessage? copy = null;
        channel.Dispatch(new PusherEvent(frame.Channel, publicName, frame.Data, frame.UserId), blocked, ref copy, lifetime);
    }

    void IConnectionOwner.OnError(PusherException error)
    {
        ReportError(error);
        if (error is PusherServerErrorException serverError)
        {
            OnServerError(serverError); // may answer a pending subscription or sign-in
        }
    }

    void IConnectionOwner.OnReceiveIdle(PusherConnection connection)
    {
        EventHandler? handler = ReceiveIdle;
        if (handler is null || !ReferenceEquals(connection, _connection))
        {
            return;
        }

        if (handler.HasSingleTarget)
        {
            // The common case without GetInvocationList's array: this runs once per burst.
            try
            {
                handler(this, EventArgs.Empty);
            }
            catch (Exception ex)
            {
                ReportError(new PusherHandlerException("", nameof(ReceiveIdle), ex));
            }

            return;
        }

        Raise(handler, this, EventArgs.Empty, nameof(ReceiveIdle));
    }

    /// <summary>Makes <paramref name="connection"/> current without a socket: lets tests and benchmarks drive the routing path directly.</summary>
    internal void AttachForRouting(PusherConnection connection) => _connection = connection;

    private async Task SubscribeOnAsync(PusherConnection connection, PusherChannel channel)
    {
        if (!channel.TryClaimSubscribe(connection))
        {
            return; // already subscribing (or subscribed) on this connection
        }

        string name = channel.Name;
        using System.Diagnostics.Activity? activity = PusherTracing.StartSubscribe(channel);
        // Taken now, while the connection is alive: reading Lifetime after the connection was disposed throws, and a
        // throwing exception filter is a false one, so a cancelled auth fell through to "the authorizer threw".
        CancellationToken lifetime = connection.Lifetime;
        try
        {
            string? auth = null, channelData = null;
            if (channel.RequiresAuthorization)
            {
                IChannelAuthorizer authorizer = Options.Authorizer ?? throw new ChannelAuthorizationException(
                    name, ChannelAuthorizationFailure.Other, null, "no Authorizer is configured in PusherOptions.");
                await _authLimiter.WaitAsync(lifetime).ConfigureAwait(false);
                try
                {
                    ChannelAuthorization result = await AuthorizeTracedAsync(authorizer, new ChannelAuthorizationRequest(connection.SocketId, name), channel, lifetime).ConfigureAwait(false);
                    auth = result.Auth;
                    channelData = result.ChannelData;
                    AcceptSharedSecret(channel, result); // encrypted channels: the key (PusherClient.Encryption.cs)
                    if (channel.AcceptAuthorization(result, SignedInUserId) is { } invalid)
                    {
                        throw invalid; // presence without channel_data: fails this channel only
                    }
                }
                finally
                {
                    _authLimiter.Release();
                }
            }

            // Unsubscribed or reconnected while authorizing: this subscribe is stale.
            if (!ReferenceEquals(connection, _connection) || !ReferenceEquals(GetChannel(name), channel))
            {
                return;
            }

            await connection.SendAsync(f => f.Subscribe(name, auth, channelData), CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception) when (!ReferenceEquals(connection, _connection))
        {
            // The connection was replaced meanwhile: this attempt's failure says nothing about the channel, which the
            // new connection subscribes on its own.
        }
        catch (PusherException e)
        {
            PusherTracing.SetError(activity, e);
            ReportError(e);
            channel.SetFailed(e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A custom authorizer's own failure: contained to this channel.
            var error = new ChannelAuthorizationException(name, ChannelAuthorizationFailure.Other, null, $"the authorizer threw {e.GetType().Name}.", e);
            PusherTracing.SetError(activity, error);
            ReportError(error);
            channel.SetFailed(error);
        }
    }

    /// <summary>Runs one user callback; an exception is reported, never propagated into the receive loop.</summary>
    internal void Invoke(PusherEventCallback callback, in PusherEvent e)
    {
        try
        {
            callback(e);
        }
        catch (Exception ex)
        {
            ReportError(new PusherHandlerException(e.GetChannelName(), e.GetEventName(), ex));
        }
    }

    /// <summary>Raises a .NET event; a throwing subscriber is reported like a throwing callback.</summary>
    internal void Raise<T>(EventHandler<T>? handler, object sender, T args, string what)
    {
        if (handler is null)
        {
            return;
        }

        foreach (EventHandler<T> subscriber in handler.GetInvocationList().Cast<EventHandler<T>>())
        {
            try
            {
                subscriber(sender, args);
            }
            catch (Exception ex)
            {
                ReportError(new PusherHandlerException(sender is PusherChannel c ? c.Name : "", what, ex));
            }
        }
    }

    internal void Raise(EventHandler? handler, object sender, EventArgs args, string what)
    {
        if (handler is null)
        {
            return;
        }

        foreach (EventHandler subscriber in handler.GetInvocationList().Cast<EventHandler>())
        {
            try
            {
                subscriber(sender, args);
            }
            catch (Exception ex)
            {
                ReportError(new PusherHandlerException(sender is PusherChannel c ? c.Name : "", what, ex));
            }
        }
    }

    /// <summary>
    /// Raises <see cref="Error"/> with a problem found by a layer built on this client (the ChatApp package reports
    /// malformed event data this way), so that applications see every error in one place. A throwing subscriber is
    /// swallowed. Put no secret in the exception's message.
    /// </summary>
    /// <param name="error">The problem to report.</param>
    public void ReportError(PusherException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        RecordReported(error);
        EventHandler<PusherException>? handler = Error;
        if (handler is null)
        {
            return;
        }

        foreach (EventHandler<PusherException> subscriber in handler.GetInvocationList().Cast<EventHandler<PusherException>>())
        {
            try
            {
                subscriber(this, error);
            }
            catch (Exception)
            {
                // An Error handler that throws has nowhere left to report to; the loop must go on regardless.
            }
        }
    }
}
