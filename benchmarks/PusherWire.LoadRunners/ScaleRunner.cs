using System.Diagnostics;
using System.Net.WebSockets;
using PusherWire.Authorization;

namespace PusherWire.LoadRunners;

/// <summary>Settings of <see cref="ScaleRunner.RunConnectionsAsync"/>.</summary>
public sealed record ConnectionScaleOptions
{
    /// <summary>Clients to connect, all in this process. Default 1,000 (each uses two sockets: client and server side).</summary>
    public int Connections { get; init; } = 1_000;

    /// <summary>Private channels per client, each authorized through the server's auth endpoint. Default 4.</summary>
    public int ChannelsPerConnection { get; init; } = 4;

    /// <summary>Connects in flight at once. Default 32.</summary>
    public int ConnectConcurrency { get; init; } = 32;

    /// <summary>The client: PusherWire, or bare ClientWebSockets (no channels) as the memory baseline.</summary>
    public LoadClientKind Client { get; init; } = LoadClientKind.PusherWire;

    /// <summary>Bounds the whole run. Default 2 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>Settings of <see cref="ScaleRunner.RunChannelsAsync"/>.</summary>
public sealed record ChannelScaleOptions
{
    /// <summary>Channels on the one connection. Default 10,000.</summary>
    public int Channels { get; init; } = 10_000;

    /// <summary>Use <c>private-</c> channels (one auth request each, as ChatApp requires) instead of public ones. Default true.</summary>
    public bool Private { get; init; } = true;

    /// <summary>The event sent once to every channel afterwards.</summary>
    public string EventName { get; init; } = "message";

    /// <summary>Its data (a JSON object).</summary>
    public required string PayloadJson { get; init; }

    /// <summary>Bounds the whole run. Default 2 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Scale runs on loopback, in one process: many connections with a few channels each, and many channels on one
/// connection. They measure connect/subscribe time and live heap (after full collections, so the numbers include the
/// in-process test server's share; compare with the <see cref="LoadClientKind.RawWebSocket"/> baseline).
/// </summary>
public static class ScaleRunner
{
    /// <summary>Connects <see cref="ConnectionScaleOptions.Connections"/> clients, subscribes each to its channels, measures, and disconnects them all.</summary>
    public static async Task<ScaleResult> RunConnectionsAsync(ConnectionScaleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        CancellationToken ct = timeout.Token;
        await using PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        using HttpChannelAuthorizer authorizer = LoopbackSession.Authorizer(server);
        // Hundreds of connections in one process: on the thread pool, as PusherOptions.DedicatedReceiveThread advises.
        PusherOptions clientOptions = LoopbackSession.ClientOptions(server, authorizer) with { DedicatedReceiveThread = false };
        bool raw = options.Client == LoadClientKind.RawWebSocket;
        int channels = raw ? 0 : options.ChannelsPerConnection;

        // Warm up the paths once (JIT, pools, HTTP connection) so the heap delta is per-connection state only.
        await using (IAsyncDisposable warm = await ConnectOneAsync(server, clientOptions, raw, 0, channels, ct).ConfigureAwait(false))
        {
        }

        long heapBefore = LiveHeap();
        var clients = new IAsyncDisposable?[options.Connections];
        long[] connectTicks = new long[options.Connections];
        long[] readyTicks = new long[options.Connections];
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        long start = Stopwatch.GetTimestamp();
        try
        {
            Task[] connects = new Task[options.Connections];
            for (int i = 0; i < options.Connections; i++)
            {
                int index = i;
                connects[i] = Task.Run(async () =>
                {
                    await gate.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        long begin = Stopwatch.GetTimestamp();
                        var timing = new ConnectTiming();
                        clients[index] = await ConnectOneAsync(server, clientOptions, raw, index + 1, channels, ct, timing).ConfigureAwait(false);
                        connectTicks[index] = timing.Connected - begin;
                        readyTicks[index] = Stopwatch.GetTimestamp() - begin;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }, ct);
            }

            try
            {
                await Task.WhenAll(connects).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or PusherException or WebSocketException)
            {
                // Timed out or refused: reported as Connected < Connections.
            }

            TimeSpan total = Stopwatch.GetElapsedTime(start);
            long heapAfter = LiveHeap();
            int connected = clients.Count(c => c is not null);
            int subscribed = raw ? 0 : clients.OfType<PusherClientHandle>().Sum(c => c.SubscribedChannels);
            return new ScaleResult(
                options.Client,
                options.Connections,
                connected,
                channels,
                subscribed,
                total,
                LatencySummary.FromStopwatchTicks([.. connectTicks.Where(t => t > 0)]),
                LatencySummary.FromStopwatchTicks([.. readyTicks.Where(t => t > 0)]),
                heapAfter - heapBefore);
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c!.DisposeAsync().AsTask())).ConfigureAwait(false);
        }
    }

    /// <summary>Subscribes one client to <see cref="ChannelScaleOptions.Channels"/> channels, measures, then sends one event to each channel.</summary>
    public static async Task<ChannelScaleResult> RunChannelsAsync(ChannelScaleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        CancellationToken ct = timeout.Token;
        await using PusherTestServer server = await PusherTestServer.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        using HttpChannelAuthorizer authorizer = LoopbackSession.Authorizer(server);
        await using var client = new PusherClient(LoopbackSession.ClientOptions(server, authorizer));
        await client.ConnectAsync(ct).ConfigureAwait(false);
        TestConnection connection = await server.WaitForConnectionAsync(0, ct).ConfigureAwait(false);

        string[] names = new string[options.Channels];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = options.Private ? $"private-v1.licenses.{i + 1}.messengers.telegram" : $"v1.licenses.{i + 1}.messengers.telegram";
        }

        var tracker = new ReceiveTracker();
        PusherEventCallback callback = (in PusherEvent e) => tracker.OnMessage(e.Data);
        long heapBefore = LiveHeap();
        long start = Stopwatch.GetTimestamp();
        var channels = new PusherChannel[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            channels[i] = client.Subscribe(names[i]);
            channels[i].Bind(options.EventName, callback);
        }

        TimeSpan subscribeCalls = Stopwatch.GetElapsedTime(start);
        try
        {
            await Task.WhenAll(channels.Select(c => c.WaitForSubscriptionAsync(ct))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or PusherException)
        {
            // Reported as Subscribed < Channels.
        }

        TimeSpan subscribeAll = Stopwatch.GetElapsedTime(start);
        long heap = LiveHeap() - heapBefore;
        int subscribed = channels.Count(c => c.IsSubscribed);

        // One event per channel, back to back: every lookup hits a different entry of the full table.
        byte[][] frames = [.. names.Select(n => PusherTestServer.EncodeEvent(n, options.EventName, options.PayloadJson))];
        tracker.Arm(subscribed, receivedAt: null);
        GcDelta.GcSnapshot gc = GcDelta.Start();
        long routeStart = Stopwatch.GetTimestamp();
        int sent = 0;
        for (int i = 0; i < frames.Length; i++)
        {
            if (channels[i].IsSubscribed)
            {
                await connection.SendRawAsync(frames[i], WebSocketMessageType.Text, ct).ConfigureAwait(false);
                sent++;
            }
        }

        try
        {
            await tracker.Done.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: Received < Sent.
        }

        long completedAt = tracker.CompletedAt;
        var routed = new BlastResult(
            LoadClientKind.PusherWire,
            sent,
            tracker.Received,
            frames.Length > 0 ? frames[0].Length : 0,
            Stopwatch.GetElapsedTime(routeStart, completedAt > 0 ? completedAt : Stopwatch.GetTimestamp()),
            gc.Stop());
        tracker.Disarm();
        return new ChannelScaleResult(names.Length, subscribed, subscribeCalls, subscribeAll, heap, routed);
    }

    /// <summary>The live managed heap after full, compacting collections.</summary>
    internal static long LiveHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task<IAsyncDisposable> ConnectOneAsync(PusherTestServer server, PusherOptions options, bool raw, int id, int channels, CancellationToken cancellationToken, ConnectTiming? timing = null)
    {
        if (raw)
        {
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            try
            {
                await socket.ConnectAsync(server.WebSocketUri, cancellationToken).ConfigureAwait(false);
                // Wait for pusher:connection_established, like PusherClient.ConnectAsync does.
                byte[] buffer = new byte[4096];
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
                while (!result.EndOfMessage);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            timing?.Stamp();
            return new RawSocketHandle(socket);
        }

        var client = new PusherClient(options);
        var handle = new PusherClientHandle(client);
        try
        {
            var subscriptions = new PusherChannel[channels];
            for (int j = 0; j < channels; j++)
            {
                subscriptions[j] = client.Subscribe(j switch
                {
                    0 => $"private-v1.companies.{id}",
                    1 => $"private-v1.users.{id}",
                    _ => $"private-v1.licenses.{id}.messengers.m{j}",
                });
            }

            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            timing?.Stamp();
            foreach (PusherChannel channel in subscriptions)
            {
                await channel.WaitForSubscriptionAsync(cancellationToken).ConfigureAwait(false);
            }

            return handle;
        }
        catch
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class ConnectTiming
    {
        public long Connected { get; private set; }

        public void Stamp() => Connected = Stopwatch.GetTimestamp();
    }

    private sealed class PusherClientHandle(PusherClient client) : IAsyncDisposable
    {
        public int SubscribedChannels => client.Channels.Count(c => c.IsSubscribed);

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }

    private sealed class RawSocketHandle(ClientWebSocket socket) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            socket.Abort();
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
