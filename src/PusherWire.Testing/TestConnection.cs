using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PusherWire.Testing;

/// <summary>
/// One client connection to a <see cref="PusherTestServer"/>: what the client sent, what it is subscribed to, and the
/// means to script the server's side (events, pings, errors, closes, abrupt drops, raw or fragmented frames).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle, so it holds nothing to dispose; sends may still race the close.")]
public sealed partial class TestConnection
{
    private readonly PusherTestServer _server;
    private readonly HttpContext _context;
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConditionSignal _changed = new();
    private readonly Lock _gate = new();
    private readonly List<string> _frames = [];
    private readonly Dictionary<string, PresenceMember?> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<string> _rejected = [];
    private bool _closed;

    internal TestConnection(PusherTestServer server, HttpContext context, WebSocket socket, string socketId, string appKey)
    {
        _server = server;
        _context = context;
        _socket = socket;
        SocketId = socketId;
        AppKey = appKey;
        RequestPath = context.Request.Path.Value ?? "";
        RequestQuery = context.Request.QueryString.Value ?? "";
    }

    /// <summary>The socket id the server assigned (<c>"{n}.{m}"</c>).</summary>
    public string SocketId { get; }

    /// <summary>The app key from the connection URL.</summary>
    public string AppKey { get; }

    /// <summary>The request path of the WebSocket upgrade, e.g. <c>/app/key</c>.</summary>
    public string RequestPath { get; }

    /// <summary>The query string of the upgrade, e.g. <c>?protocol=7&amp;client=...</c>.</summary>
    public string RequestQuery { get; }

    /// <summary>Every text message received from the client, in order.</summary>
    public IReadOnlyList<string> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>The channels this connection is subscribed to (the server confirmed them).</summary>
    public IReadOnlyCollection<string> Subscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions.Keys];
            }
        }
    }

    /// <summary>Channels whose <c>pusher:subscribe</c> the server rejected (bad signature).</summary>
    public IReadOnlyList<string> RejectedSubscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejected];
            }
        }
    }

    /// <summary>True once the connection is over (closed by either side or dropped).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>The close code the client sent, if it closed the connection itself.</summary>
    public WebSocketCloseStatus? ClientCloseStatus { get; private set; }

    /// <summary>Waits until the client has sent a frame that satisfies <paramref name="match"/> (earlier frames count) and returns it.</summary>
    public Task<string> WaitForFrameAsync(Func<string, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        return _changed.WaitAsync(() =>
        {
            lock (_gate)
            {
                string? found = _frames.Find(f => match(f));
                return (found is not null, found!);
            }
        }, cancellationToken);
    }

    /// <summary>Waits until the server has confirmed a subscription to <paramref name="channelName"/>.</summary>
    public Task WaitForSubscriptionAsync(string channelName, CancellationToken cancellationToken = default) =>
        _changed.WaitAsync(() =>
        {
            lock (_gate)
            {
                return (_subscriptions.ContainsKey(channelName), true);
            }
        }, cancellationToken);

    /// <summary>Waits until the connection is over.</summary>
    public Task WaitForClosedAsync(CancellationToken cancellationToken = default) =>
        _changed.WaitAsync(() => (IsClosed, true), cancellationToken);

    /// <summary>True when the server has confirmed a subscription to <paramref name="channelName"/>.</summary>
    public bool IsSubscribed(string channelName)
    {
        lock (_gate)
        {
            return _subscriptions.ContainsKey(channelName);
        }
    }

    /// <summary>Sends an event to this connection only, subscribed or not. <paramref name="dataJson"/> is JSON-encoded as a string, as real servers send it.</summary>
    public Task SendEventAsync(string eventName, string? channelName, string dataJson, CancellationToken cancellationToken = default) =>
        SendAsync(PusherFrames.Event(eventName, channelName, dataJson), cancellationToken);

    /// <summary>Sends <c>pusher:ping</c>; the client must answer <c>pusher:pong</c>.</summary>
    public Task SendPingAsync(CancellationToken cancellationToken = default) =>
        SendAsync("""{"event":"pusher:ping","data":{}}"""u8.ToArray(), cancellationToken);

    /// <summary>Sends <c>pusher:error</c> with a code (null for Pusher's uncoded errors) and a message.</summary>
    public Task SendErrorAsync(int? code, string message, CancellationToken cancellationToken = default) =>
        SendAsync(PusherFrames.Error(code, message), cancellationToken);

    /// <summary>Sends <c>pusher:connection_established</c> (when <see cref="PusherTestServerOptions.SendConnectionEstablished"/> is off).</summary>
    public Task SendConnectionEstablishedAsync(int? activityTimeoutSeconds = null, CancellationToken cancellationToken = default) =>
        SendAsync(PusherFrames.ConnectionEstablished(SocketId, activityTimeoutSeconds ?? _server.Options.ActivityTimeoutSeconds), cancellationToken);

    /// <summary>Sends a text message exactly as given (malformed JSON included).</summary>
    public Task SendRawAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Sends a message exactly as given, as text or binary.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type = WebSocketMessageType.Text, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends one text message split into WebSocket continuation frames of <paramref name="fragmentSize"/> bytes.</summary>
    public async Task SendFragmentedAsync(string text, int fragmentSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fragmentSize, 1);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int offset = 0; offset < bytes.Length; offset += fragmentSize)
            {
                int length = Math.Min(fragmentSize, bytes.Length - offset);
                bool last = offset + length == bytes.Length;
                await _socket.SendAsync(bytes.AsMemory(offset, length), WebSocketMessageType.Text, last, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the connection with a close frame carrying <paramref name="code"/> (e.g. 4200, 4001, 1001).</summary>
    public async Task CloseAsync(int code, string reason, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
            // Already gone: the outcome the caller wanted.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Drops the TCP connection without a close frame (abnormal closure, 1006, on the client).</summary>
    public void Abort()
    {
        if (!IsClosed)
        {
            try
            {
                _context.Abort();
            }
            catch (ObjectDisposedException)
            {
                // The request finished between the check and the abort: the connection is gone already.
            }
        }

        MarkClosed();
    }

    /// <inheritdoc />
    public override string ToString() => $"TestConnection {{ SocketId = {SocketId}, Subscriptions = {Subscriptions.Count}, Closed = {IsClosed} }}";

    internal async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await SendRawAsync(frame, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends if still open; a connection that went away meanwhile is not an error for a broadcaster.</summary>
    internal async Task<bool> TrySendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            return false;
        }

        try
        {
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(message.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClientCloseStatus = _socket.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await CloseReplyAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                message.Advance(result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    string text = Encoding.UTF8.GetString(message.WrittenSpan);
                    lock (_gate)
                    {
                        _frames.Add(text);
                    }

                    await HandleAsync(text, cancellationToken).ConfigureAwait(false);
                    _changed.Pulse();
                }

                message.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Dropped or server stopping (Kestrel's ConnectionAbortedException is an OperationCanceledException): the connection is over either way.
        }
        finally
        {
            MarkClosed();
            _server.OnClosed(this);
        }
    }

    private async Task CloseReplyAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task HandleAsync(string text, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            await SendAsync(PusherFrames.Error(null, "Invalid JSON"), cancellationToken).ConfigureAwait(false);
            return;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("event", out JsonElement eventElement) || eventElement.ValueKind != JsonValueKind.String)
            {
                await SendAsync(PusherFrames.Error(null, "Missing event name"), cancellationToken).ConfigureAwait(false);
                return;
            }

            string eventName = eventElement.GetString()!;
            JsonElement data = root.TryGetProperty("data", out JsonElement d) ? PusherFrames.DecodeData(d) : default;
            switch (eventName)
            {
                case "pusher:ping" when _server.Options.AutoPong:
                    await SendAsync("""{"event":"pusher:pong","data":{}}"""u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    break;
                case "pusher:subscribe":
                    await SubscribeAsync(data, cancellationToken).ConfigureAwait(false);
                    break;
                case "pusher:signin":
                    await SignInAsync(data, cancellationToken).ConfigureAwait(false);
                    break;
                case "pusher:unsubscribe":
                    await UnsubscribeAsync(PusherFrames.GetString(data, "channel"), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    if (eventName.StartsWith("client-", StringComparison.Ordinal))
                    {
                        await RelayClientEventAsync(eventName, root, cancellationToken).ConfigureAwait(false);
                    }

                    break;
            }
        }
    }

    private async Task SubscribeAsync(JsonElement data, CancellationToken cancellationToken)
    {
        string? channel = PusherFrames.GetString(data, "channel");
        if (string.IsNullOrEmpty(channel))
        {
            await SendAsync(PusherFrames.Error(null, "pusher:subscribe without a channel"), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (await TryAnswerSpecialSubscribeAsync(channel, cancellationToken).ConfigureAwait(false))
        {
            return; // a user channel, a scripted refusal, or an ignored subscribe
        }

        string? channelData = PusherFrames.GetString(data, "channel_data");
        PusherTestServerOptions options = _server.Options;
        bool needsAuth = channel.StartsWith("private-", StringComparison.Ordinal) || channel.StartsWith("presence-", StringComparison.Ordinal);
        if (needsAuth && !PusherSignature.Verify(PusherFrames.GetString(data, "auth"), options.AppKey, options.AppSecret, SocketId, channel, channelData))
        {
            lock (_gate)
            {
                _rejected.Add(channel);
            }

            // What Pusher itself answers (an uncoded pusher:error); the connection stays up.
            await SendAsync(PusherFrames.Error(null, $"Invalid signature for {SocketId}:{channel}"), cancellationToken).ConfigureAwait(false);
            return;
        }

        PresenceMember? member = channel.StartsWith("presence-", StringComparison.Ordinal) ? PusherFrames.ParseMember(channelData) : null;
        lock (_gate)
        {
            _subscriptions[channel] = member;
        }

        string succeeded = member is null ? "{}" : _server.PresenceSnapshot(channel);
        await SendAsync(PusherFrames.Internal("pusher_internal:subscription_succeeded", channel, succeeded), cancellationToken).ConfigureAwait(false);
        await SendCacheAsync(channel, cancellationToken).ConfigureAwait(false);
        if (member is not null)
        {
            await _server.BroadcastInternalAsync(channel, "pusher_internal:member_added", PusherFrames.MemberJson(member), this, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task UnsubscribeAsync(string? channel, CancellationToken cancellationToken)
    {
        PresenceMember? member = null;
        lock (_gate)
        {
            if (channel is not null && _subscriptions.Remove(channel, out PresenceMember? removed))
            {
                member = removed;
            }
        }

        if (member is not null)
        {
            await _server.BroadcastInternalAsync(channel!, "pusher_internal:member_removed", $$"""{"user_id":{{JsonSerializer.Serialize(member.UserId, TestingJsonContext.Default.String)}}}""", this, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RelayClientEventAsync(string eventName, JsonElement root, CancellationToken cancellationToken)
    {
        string? channel = root.TryGetProperty("channel", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        PresenceMember? member = null;
        bool subscribed;
        lock (_gate)
        {
            subscribed = channel is not null && _subscriptions.TryGetValue(channel, out member);
        }

        if (!subscribed || channel!.StartsWith("private-", StringComparison.Ordinal) is false && channel.StartsWith("presence-", StringComparison.Ordinal) is false)
        {
            await SendAsync(PusherFrames.Error(null, "Client event rejected - only supported on private and presence channels you are subscribed to"), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_server.Options.RelayClientEvents)
        {
            string data = root.TryGetProperty("data", out JsonElement d) ? d.GetRawText() : "{}";
            byte[] frame = PusherFrames.ClientEvent(eventName, channel, data, member?.UserId);
            await _server.BroadcastAsync(channel, frame, except: this, cancellationToken).ConfigureAwait(false);
        }
    }

    internal PresenceMember? MemberOf(string channel)
    {
        lock (_gate)
        {
            return _subscriptions.TryGetValue(channel, out PresenceMember? member) ? member : null;
        }
    }

    internal IReadOnlyList<(string Channel, PresenceMember Member)> PresenceMemberships()
    {
        lock (_gate)
        {
            return [.. _subscriptions.Where(s => s.Value is not null).Select(s => (s.Key, s.Value!))];
        }
    }

    private void MarkClosed()
    {
        lock (_gate)
        {
            _closed = true;
        }

        _changed.Pulse();
    }
}
