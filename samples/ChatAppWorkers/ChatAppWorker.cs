// A JetStream worker: a durable consumer shared by every worker instance, typed ChatApp events, ack after handling.
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PusherWire.Bridge.Nats;
using PusherWire.ChatApp;

namespace ChatAppWorkers;

/// <summary>
/// Consumes the events a <c>pusherwire bridge</c> (or <see cref="NatsBridge"/>) stored. Every instance started with the
/// same <c>durable</c> name pulls from one JetStream consumer, so the instances share the work: each event goes to one
/// of them, and an event whose handler fails (or whose worker dies) is redelivered after <c>AckWait</c>.
/// </summary>
public sealed class ChatAppWorker(INatsJSContext js, string stream, string durable, string filterSubject)
{
    /// <summary>Creates (or updates) the durable consumer; safe to call from every instance.</summary>
    public async Task<INatsJSConsumer> EnsureConsumerAsync(CancellationToken cancellationToken) =>
        await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig(durable)
        {
            FilterSubject = filterSubject,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = TimeSpan.FromSeconds(30),
            MaxDeliver = 10,
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Handles events until cancelled: each message is deserialized into its typed ChatApp event (from the
    /// <c>Pusher-Event</c> and <c>Pusher-Channel</c> headers and the unchanged data bytes), handled, then acknowledged.
    /// A handler exception leaves the message unacknowledged (nak), so JetStream redelivers it.
    /// </summary>
    public async Task RunAsync(Func<ChatAppEvent, CancellationToken, ValueTask> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        INatsJSConsumer consumer = await EnsureConsumerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (NatsJSMsg<byte[]> msg in consumer.ConsumeAsync<byte[]>(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                ChatAppEvent e = Deserialize(msg);
                try
                {
                    await handle(e, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    await msg.NakAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: unacknowledged messages are redelivered to the other instances.
        }
    }

    /// <summary>The typed event a bridged message carries (unknown event names give <see cref="UnknownChatAppEvent"/>).</summary>
    public static ChatAppEvent Deserialize(NatsJSMsg<byte[]> msg)
    {
        string channel = msg.Headers?[NatsBridgeHeaders.Channel].ToString() ?? "";
        string eventName = msg.Headers?[NatsBridgeHeaders.Event].ToString() ?? "";
        return ChatAppEventSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(eventName), msg.Data ?? [], channel);
    }
}
