// Bridges every application event a PusherClient receives into a JetStream stream, acknowledged, deduplicated, in order per channel.
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PusherWire.Bridge.Nats.Internal;

namespace PusherWire.Bridge.Nats;

/// <summary>
/// Publishes every application event a <see cref="PusherClient"/> receives (any channel it subscribes, ChatApp's
/// included) to a JetStream stream. Each event is published on <see cref="NatsSubjects.Build"/>'s subject with its
/// data bytes unchanged, the headers in <see cref="NatsBridgeHeaders"/>, and a content-derived <c>Nats-Msg-Id</c>, so
/// several bridges on the same channels (active-active) store each event once. Events wait in a bounded queue until
/// JetStream acknowledges them, retried with backoff while NATS is unreachable; per channel, order is kept.
/// </summary>
/// <remarks>
/// <para>Usage: create the client, subscribe its channels, create the bridge, <see cref="StartAsync"/>, then connect the client.</para>
/// <para>Thread-safety: every member may be called from any thread. Events are raised on pool threads or on the
/// Pusher receive loop; handlers must be quick and must not throw.</para>
/// <para>Guarantee: at-least-once into the stream for every event the client received while the bridge ran, except
/// events dropped on overflow (counted in <see cref="NatsBridgeMetrics.Dropped"/>) or still queued when disposal's
/// drain time ran out. See docs/scale-out.md.</para>
/// </remarks>
public sealed class NatsBridge : IAsyncDisposable
{
    /// <summary>The name of the <see cref="Meter"/> every bridge reports on.</summary>
    public const string MeterName = "PusherWire.Bridge.Nats";

    private static readonly NatsJSPubOpts PublishOptions = new();

    private readonly PusherClient _client;
    private readonly NatsJSContext _js;
    private readonly PublishQueue _queue;
    private readonly SemaphoreSlim _publishSlots;
    private readonly Meter _meter;
    private readonly Counter<long> _receivedCounter;
    private readonly Counter<long> _publishedCounter;
    private readonly Counter<long> _deduplicatedCounter;
    private readonly Counter<long> _droppedCounter;
    private readonly Counter<long> _retryCounter;
    private readonly Histogram<double> _latencyHistogram;
    private IDisposable? _binding;
    private long _received;
    private long _published;
    private long _deduplicated;
    private long _dropped;
    private long _retries;
    private long _latencyTicksTotal;
    private long _latencyTicksMax;
    private int _state; // 0 new, 1 started, 2 disposed

    /// <summary>Creates a bridge; nothing happens until <see cref="StartAsync"/>.</summary>
    /// <param name="client">The Pusher client whose events are bridged (the caller owns it and its subscriptions).</param>
    /// <param name="connection">The NATS connection (the caller owns it).</param>
    /// <param name="options">Settings (default <see cref="NatsBridgeOptions.Default"/>).</param>
    public NatsBridge(PusherClient client, INatsConnection connection, NatsBridgeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(connection);
        Options = options ?? NatsBridgeOptions.Default;
        Options.Validate();
        _client = client;
        _js = new NatsJSContext(connection);
        _publishSlots = new SemaphoreSlim(Options.MaxConcurrentPublishes);
        _queue = new PublishQueue(Options.MaxQueuedEvents, Options.MaxQueuedBytes, Options.OverflowPolicy, PublishUntilAckedAsync);

        _meter = new Meter(MeterName);
        var tags = new TagList { { "stream", Options.Stream.Name }, { "bridge", Options.BridgeName ?? "" } };
        _receivedCounter = _meter.CreateCounter<long>("pusherwire.bridge.received", "{event}", "Application events received from Pusher");
        _publishedCounter = _meter.CreateCounter<long>("pusherwire.bridge.published", "{event}", "Events stored by JetStream");
        _deduplicatedCounter = _meter.CreateCounter<long>("pusherwire.bridge.deduplicated", "{event}", "Events JetStream acknowledged as duplicates");
        _droppedCounter = _meter.CreateCounter<long>("pusherwire.bridge.dropped", "{event}", "Events dropped because the queue was full");
        _retryCounter = _meter.CreateCounter<long>("pusherwire.bridge.retries", "{attempt}", "Failed publish attempts that will be retried");
        _latencyHistogram = _meter.CreateHistogram<double>("pusherwire.bridge.publish.duration", "s", "Time from publish to JetStream ack");
        _meter.CreateObservableGauge("pusherwire.bridge.queued", () => new Measurement<int>(_queue.Count, tags), "{event}", "Events waiting for an ack");
        Tags = tags;
    }

    /// <summary>A publish attempt failed; the event stays queued and is retried after <see cref="PublishFailedEventArgs.RetryDelay"/>.</summary>
    public event EventHandler<PublishFailedEventArgs>? PublishFailed;

    /// <summary>The queue was full and an event was dropped (raised on the Pusher receive loop).</summary>
    public event EventHandler<EventsDroppedEventArgs>? EventsDropped;

    /// <summary>The settings in use.</summary>
    public NatsBridgeOptions Options { get; }

    private TagList Tags { get; }

    /// <summary>Checks or creates the stream, then starts bridging every application event the client receives.</summary>
    /// <param name="cancellationToken">Cancels the stream check.</param>
    /// <exception cref="NatsStreamMismatchException">The stream exists with other settings.</exception>
    /// <exception cref="NatsBridgeException">The stream is missing (and may not be created), or JetStream did not answer.</exception>
    /// <exception cref="InvalidOperationException">Already started, or disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException(Volatile.Read(ref _state) == 2 ? "The bridge is disposed." : "The bridge is already started.");
        }

        try
        {
            await StreamSetup.EnsureAsync(_js, Options.Stream, Options.SubjectPrefix, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.CompareExchange(ref _state, 0, 1);
            throw;
        }

        _binding = _client.BindGlobal(OnEvent);
    }

    /// <summary>A snapshot of the counters.</summary>
    /// <returns>The counters now.</returns>
    public NatsBridgeMetrics GetMetrics()
    {
        long acked = Interlocked.Read(ref _published) + Interlocked.Read(ref _deduplicated);
        return new NatsBridgeMetrics
        {
            Received = Interlocked.Read(ref _received),
            Published = Interlocked.Read(ref _published),
            Deduplicated = Interlocked.Read(ref _deduplicated),
            Queued = _queue.Count,
            QueuedBytes = _queue.Bytes,
            Dropped = Interlocked.Read(ref _dropped),
            Retries = Interlocked.Read(ref _retries),
            PublishLatencyMean = acked == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _latencyTicksTotal) / acked),
            PublishLatencyMax = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _latencyTicksMax)),
        };
    }

    /// <summary>Completes when every event queued so far has been acknowledged (or dropped).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the queue is empty.</returns>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _queue.WaitEmptyAsync(cancellationToken);

    /// <summary>
    /// Stops bridging new events, waits up to <see cref="NatsBridgeOptions.DrainTimeout"/> for queued events to be
    /// acknowledged, then stops publishing. Events still queued then are lost (their count is in <see cref="GetMetrics"/>).
    /// Neither the Pusher client nor the NATS connection is disposed.
    /// </summary>
    /// <returns>A task that completes when the bridge has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        _binding?.Dispose();
        try
        {
            await _queue.WaitEmptyAsync(CancellationToken.None).WaitAsync(Options.DrainTimeout, Options.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Left in the queue; reported through GetMetrics().Queued.
        }

        await _queue.DisposeAsync().ConfigureAwait(false);
        _publishSlots.Dispose();
        _meter.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"NatsBridge {{ {Options.SubjectPrefix}.> -> {Options.Stream.Name}, Queued = {_queue.Count} }}";

    // On the Pusher receive loop: copy the event (its spans die when this returns) and queue it. Never blocks on NATS.
    private void OnEvent(in PusherEvent e)
    {
        if (e.Channel.IsEmpty || e.EventName.StartsWith("pusher:"u8) || e.EventName.StartsWith("pusher_internal:"u8))
        {
            return;
        }

        Interlocked.Increment(ref _received);
        _receivedCounter.Add(1, Tags);
        var pending = new PendingEvent(
            e.GetChannelName(),
            e.GetEventName(),
            e.Data.ToArray(),
            e.UserId.IsEmpty ? null : Encoding.UTF8.GetString(e.UserId),
            _client.SocketId,
            Options.TimeProvider.GetUtcNow());
        if (_queue.TryEnqueue(pending) is { } dropped)
        {
            long total = Interlocked.Increment(ref _dropped);
            _droppedCounter.Add(1, Tags);
            EventsDropped?.Invoke(this, new EventsDroppedEventArgs(dropped.Channel, dropped.EventName, total));
        }
    }

    private async Task PublishUntilAckedAsync(PendingEvent item, CancellationToken stopping)
    {
        string subject = NatsSubjects.Build(Options.SubjectPrefix, item.Channel, item.EventName);
        NatsHeaders headers = BuildHeaders(item);
        for (int attempt = 1; ; attempt++)
        {
            Exception error;
            try
            {
                await _publishSlots.WaitAsync(stopping).ConfigureAwait(false);
                long started = Stopwatch.GetTimestamp();
                PubAckResponse ack;
                // NATS.Net holds a request made while disconnected until it reconnects, with no deadline of its own: an
                // attempt that outlives PublishTimeout is abandoned and retried (a late ack then counts as a duplicate).
                using var deadline = new CancellationTokenSource(Options.PublishTimeout, Options.TimeProvider);
                using var attemptToken = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
                try
                {
                    ack = await _js.PublishAsync(subject, (ReadOnlyMemory<byte>)item.Data, NatsDefaultSerializer<ReadOnlyMemory<byte>>.Default, PublishOptions, headers, attemptToken.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stopping.IsCancellationRequested)
                {
                    throw new TimeoutException($"No publish-ack from JetStream within {Options.PublishTimeout.TotalSeconds:0.###} s.");
                }
                finally
                {
                    _publishSlots.Release();
                }

                if (ack.Error is { } apiError)
                {
                    throw new NatsJSApiException(apiError);
                }

                RecordAck(ack.Duplicate, Stopwatch.GetTimestamp() - started);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                error = e;
            }

            // NATS unreachable, no ack within the connection's request timeout, or a JetStream error: retry this
            // event (and hold the rest of its channel) until it is acknowledged. A retry of an event JetStream did
            // store is acknowledged as a duplicate, so nothing is stored twice.
            TimeSpan delay = RetryDelay(Options, attempt);
            Interlocked.Increment(ref _retries);
            _retryCounter.Add(1, Tags);
            PublishFailed?.Invoke(this, new PublishFailedEventArgs(item.Channel, item.EventName, attempt, delay, error));
            await Task.Delay(delay, Options.TimeProvider, stopping).ConfigureAwait(false);
        }
    }

    internal static TimeSpan RetryDelay(NatsBridgeOptions options, int attempt)
    {
        double factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        double ticks = Math.Min(options.RetryDelayMin.Ticks * factor, options.RetryDelayMax.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private void RecordAck(bool duplicate, long elapsedTicks)
    {
        Interlocked.Increment(ref duplicate ? ref _deduplicated : ref _published);
        (duplicate ? _deduplicatedCounter : _publishedCounter).Add(1, Tags);
        Interlocked.Add(ref _latencyTicksTotal, elapsedTicks);
        long max = Interlocked.Read(ref _latencyTicksMax);
        while (elapsedTicks > max && Interlocked.CompareExchange(ref _latencyTicksMax, elapsedTicks, max) != max)
        {
            max = Interlocked.Read(ref _latencyTicksMax);
        }

        _latencyHistogram.Record(Stopwatch.GetElapsedTime(0, elapsedTicks).TotalSeconds, Tags);
    }

    private NatsHeaders BuildHeaders(PendingEvent item)
    {
        var headers = new NatsHeaders
        {
            [NatsBridgeHeaders.MessageId] = NatsMessageIds.Compute(item.Channel, item.EventName, item.Data),
            [NatsBridgeHeaders.Channel] = item.Channel,
            [NatsBridgeHeaders.Event] = item.EventName.All(c => c >= ' ' && c < 0x7F) ? item.EventName : NatsSubjects.EscapeToken(item.EventName),
            [NatsBridgeHeaders.ReceivedAt] = item.ReceivedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (item.SocketId is { } socketId)
        {
            headers[NatsBridgeHeaders.SocketId] = socketId;
        }

        if (item.UserId is { } userId && userId.All(c => c >= ' ' && c < 0x7F))
        {
            headers[NatsBridgeHeaders.UserId] = userId;
        }

        if (Options.BridgeName is { } name)
        {
            headers[NatsBridgeHeaders.Bridge] = name;
        }

        return headers;
    }
}
