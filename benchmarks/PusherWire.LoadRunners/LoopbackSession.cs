using System.Diagnostics;
using System.Net.WebSockets;
using PusherWire.Authorization;

namespace PusherWire.LoadRunners;

/// <summary>Settings of a <see cref="LoopbackSession"/>.</summary>
public sealed record LoopbackSessionOptions
{
    /// <summary>The client that receives the events. Default <see cref="LoadClientKind.PusherWire"/>.</summary>
    public LoadClientKind Client { get; init; } = LoadClientKind.PusherWire;

    /// <summary>The channel the events are published on. Private channels are authorized through the server's auth endpoint.</summary>
    public string Channel { get; init; } = "private-v1.licenses.1229.messengers.telegram";

    /// <summary>The event name.</summary>
    public string EventName { get; init; } = "message";

    /// <summary>The event data (a JSON object), e.g. ChatApp's <c>message</c> sample.</summary>
    public required string PayloadJson { get; init; }

    /// <summary>Bounds the start (server, connect, subscribe). Default 15 s.</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// A <see cref="PusherTestServer"/> and one receiving client on loopback, connected and subscribed, ready to have the
/// same event frame sent to it many times: as fast as possible (<see cref="BlastAsync"/>) or at a fixed rate with a
/// latency per event (<see cref="RunAtRateAsync"/>). Both run on one WebSocket, in one process; every run is bounded
/// by its event count and a timeout.
/// </summary>
/// <example>
/// <code>
/// await using LoopbackSession session = await LoopbackSession.StartAsync(new LoopbackSessionOptions { PayloadJson = json });
/// BlastResult r = await session.BlastAsync(100_000, TimeSpan.FromSeconds(30));
/// Console.WriteLine($"{r.EventsPerSecond:N0} events/s");
/// </code>
/// </example>
public sealed class LoopbackSession : IAsyncDisposable
{
    private readonly PusherTestServer _server;
    private readonly TestConnection _connection;
    private readonly SequencedFrame _frame;
    private readonly ReceiveTracker _tracker;
    private readonly IAsyncDisposable _client;

    private LoopbackSession(PusherTestServer server, TestConnection connection, SequencedFrame frame, ReceiveTracker tracker, IAsyncDisposable client, LoadClientKind kind)
    {
        _server = server;
        _connection = connection;
        _frame = frame;
        _tracker = tracker;
        _client = client;
        Client = kind;
    }

    /// <summary>The receiving client.</summary>
    public LoadClientKind Client { get; }

    /// <summary>The size of each frame sent.</summary>
    public int FrameBytes => _frame.Length;

    /// <summary>Starts the server, connects the client and (for PusherWire) subscribes to the channel.</summary>
    public static async Task<LoopbackSession> StartAsync(LoopbackSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var frame = new SequencedFrame(options.Channel, options.EventName, options.PayloadJson);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.SetupTimeout);
        PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
        var tracker = new ReceiveTracker();
        IAsyncDisposable? client = null;
        try
        {
            TestConnection connection;
            if (options.Client == LoadClientKind.PusherWire)
            {
                var pusher = new PusherWireReceiver(server, tracker);
                client = pusher;
                await pusher.ConnectAsync(options.Channel, options.EventName, timeout.Token).ConfigureAwait(false);
                connection = await server.WaitForConnectionAsync(0, timeout.Token).ConfigureAwait(false);
                await connection.WaitForSubscriptionAsync(options.Channel, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                var raw = new RawReceiver(tracker);
                client = raw;
                await raw.ConnectAsync(server.WebSocketUri, timeout.Token).ConfigureAwait(false);
                connection = await server.WaitForConnectionAsync(0, timeout.Token).ConfigureAwait(false);
            }

            return new LoopbackSession(server, connection, frame, tracker, client, options.Client);
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends <paramref name="count"/> events back to back and waits (up to <paramref name="timeout"/>) until the client has handled them all.</summary>
    public async Task<BlastResult> BlastAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _tracker.Arm(count, receivedAt: null);
        GcDelta.GcSnapshot gc = GcDelta.Start();
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        int sent = 0;
        for (; sent < count; sent++)
        {
            if ((sent & 1023) == 0 && Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }

            _frame.SetSequence(sent);
            await _connection.SendRawAsync(_frame.Bytes, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
        }

        await WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        long completedAt = _tracker.CompletedAt;
        long end = completedAt > 0 ? completedAt : Stopwatch.GetTimestamp();
        int received = _tracker.Received;
        _tracker.Disarm();
        return new BlastResult(Client, sent, received, FrameBytes, Stopwatch.GetElapsedTime(start, end), gc.Stop());
    }

    /// <summary>
    /// Sends <paramref name="count"/> events paced at <paramref name="eventsPerSecond"/> from a dedicated thread and
    /// measures each from the server's send timestamp to the client's handler (same process, same clock).
    /// </summary>
    /// <remarks>
    /// The sender sleeps when it is more than 2 ms early and yields its core otherwise (so it polls the clock, and a core
    /// that nothing else needs stays busy for the length of the run). When it falls behind it sends at once (no catch-up burst limit); see
    /// <see cref="LatencyResult.MaxBehindSchedule"/>.
    /// </remarks>
    public async Task<LatencyResult> RunAtRateAsync(int count, double eventsPerSecond, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eventsPerSecond);
        long[] sentAt = new long[count];
        long[] receivedAt = new long[count];
        _tracker.Arm(count, receivedAt);
        GcDelta.GcSnapshot gc = GcDelta.Start();
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        double ticksPerEvent = Stopwatch.Frequency / eventsPerSecond;
        long sleepThreshold = Stopwatch.Frequency / 500; // 2 ms
        long maxBehind = 0;
        int sent = 0;
        long lastSend = start;

        var sender = new Thread(() =>
        {
            for (int i = 0; i < count; i++)
            {
                long due = start + (long)(i * ticksPerEvent);
                long now = Stopwatch.GetTimestamp();
                if (now > deadline || cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                while (now < due)
                {
                    // Sleep when far ahead; otherwise yield, so on a small machine the receiver gets the core it needs.
                    if (due - now > sleepThreshold)
                    {
                        Thread.Sleep(1);
                    }
                    else
                    {
                        Thread.Yield();
                    }

                    now = Stopwatch.GetTimestamp();
                }

                maxBehind = Math.Max(maxBehind, now - due);
                _frame.SetSequence(i);
                sentAt[i] = Stopwatch.GetTimestamp();
                Task send = _connection.SendRawAsync(_frame.Bytes, WebSocketMessageType.Text, CancellationToken.None);
                if (!send.IsCompletedSuccessfully)
                {
                    send.GetAwaiter().GetResult();
                }

                sent = i + 1;
            }

            lastSend = Stopwatch.GetTimestamp();
        })
        {
            IsBackground = true,
            Name = "PusherWire load sender",
        };
        sender.Start();
        await Task.Run(sender.Join, cancellationToken).ConfigureAwait(false);
        await WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        _tracker.Disarm();
        GcDelta gcDelta = gc.Stop();

        var latencies = new List<long>(sent);
        for (int i = 0; i < sent; i++)
        {
            if (receivedAt[i] != 0)
            {
                latencies.Add(receivedAt[i] - sentAt[i]);
            }
        }

        double sendSeconds = Stopwatch.GetElapsedTime(start, lastSend).TotalSeconds;
        return new LatencyResult(
            Client,
            eventsPerSecond,
            sendSeconds > 0 ? sent / sendSeconds : 0,
            sent,
            latencies.Count,
            LatencySummary.FromStopwatchTicks([.. latencies]),
            TimeSpan.FromSeconds((double)maxBehind / Stopwatch.Frequency),
            gcDelta);
    }

    private async Task WaitAsync(long deadline, CancellationToken cancellationToken)
    {
        TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        try
        {
            await _tracker.Done.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported as Received < Sent.
        }
    }

    /// <summary>Disconnects the client and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        _tracker.Disarm();
        await _client.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Options for a <see cref="PusherClient"/> of <paramref name="server"/> (loopback ws://, auth at its endpoint).</summary>
    internal static PusherOptions ClientOptions(PusherTestServer server, IChannelAuthorizer authorizer) => new(server.Options.AppKey)
    {
        Host = server.Host,
        Port = server.Port,
        UseTls = false,
        AllowInsecureTransport = true,
        Authorizer = authorizer,
    };

    internal static HttpChannelAuthorizer Authorizer(PusherTestServer server) =>
        new(new HttpChannelAuthorizerOptions(server.AuthEndpoint) { AllowInsecureTransport = true });

    /// <summary>A PusherClient with one bound callback that feeds the tracker.</summary>
    private sealed class PusherWireReceiver(PusherTestServer server, ReceiveTracker tracker) : IAsyncDisposable
    {
        private readonly HttpChannelAuthorizer _authorizer = Authorizer(server);
        private PusherClient? _client;

        public async Task ConnectAsync(string channelName, string eventName, CancellationToken cancellationToken)
        {
            _client = new PusherClient(ClientOptions(server, _authorizer));
            PusherChannel channel = _client.Subscribe(channelName);
            channel.Bind(eventName, (in PusherEvent e) => tracker.OnMessage(e.Data));
            await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await channel.WaitForSubscriptionAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not null)
            {
                await _client.DisposeAsync().ConfigureAwait(false);
            }

            _authorizer.Dispose();
        }
    }

    /// <summary>The ceiling: ClientWebSocket.ReceiveAsync into one buffer, counting complete messages.</summary>
    private sealed class RawReceiver(ReceiveTracker tracker) : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private Task _loop = Task.CompletedTask;

        public async Task ConnectAsync(Uri uri, CancellationToken cancellationToken)
        {
            _socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await _socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            // The first message is pusher:connection_established; the run starts after it.
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            while (!result.EndOfMessage);
            _loop = Task.Run(ReadLoopAsync, CancellationToken.None);
        }

        private async Task ReadLoopAsync()
        {
            int filled = 0;
            try
            {
                while (true)
                {
                    ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(_buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    filled += result.Count;
                    if (result.EndOfMessage)
                    {
                        tracker.OnMessage(_buffer.AsSpan(0, filled));
                        filled = 0;
                    }
                    else if (filled == _buffer.Length)
                    {
                        filled = 0; // larger than any load frame: dropped
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // Stopped or the server went away: the run's counts tell.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _socket.Abort();
            await _loop.ConfigureAwait(false);
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
