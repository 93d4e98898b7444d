// The samples/ChatAppWorkers consumer: typed ChatApp events out of the bridged stream, shared by two instances.
using System.Collections.Concurrent;
using ChatAppWorkers;
using PusherWire.ChatApp;
using PusherWire.ChatApp.Tests.Samples;

namespace PusherWire.Bridge.Nats.Tests;

public class WorkerSampleTests
{
    private static readonly string[] SampleChannels = [ChatAppSamples.LicenseChannel, ChatAppSamples.CompanyChannel, ChatAppSamples.UserChannel];

    [Test, CancelAfter(60_000)]
    public async Task TwoWorkers_OnOneDurableConsumer_HandleEveryBridgedEventTyped_AndAFailedOneIsRedelivered(CancellationToken ct)
    {
        await using BridgeHarness harness = await BridgeHarness.StartAsync(ct);
        var options = new NatsBridgeOptions { SubjectPrefix = "chatapp", Stream = new NatsStreamSettings { Name = "CHATAPP" } };
        var connector = await harness.StartConnectorAsync(options, SampleChannels, ct);
        foreach (ChatAppSamples.Sample sample in ChatAppSamples.All)
        {
            await harness.Pusher.PublishAsync(sample.Channel, sample.EventName, sample.Json, ct);
        }

        await connector.WaitReceivedAsync(ChatAppSamples.All.Count, ct);
        await connector.Bridge.FlushAsync(ct);

        var handled = new ConcurrentQueue<(int Worker, ChatAppEvent Event)>();
        var changed = new Signal();
        int failuresLeft = 1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, 2).Select(id =>
        {
            var worker = new ChatAppWorker(harness.Js, "CHATAPP", "workers", "chatapp.>");
            return worker.RunAsync((e, _) =>
            {
                // The first delivery of one event fails: it must come back (nak) and be handled later.
                if (e is MessageEvent && Interlocked.Decrement(ref failuresLeft) == 0)
                {
                    throw new InvalidOperationException("handler failure");
                }

                handled.Enqueue((id, e));
                changed.Pulse();
                return ValueTask.CompletedTask;
            }, stop.Token);
        }).ToList();

        await changed.WaitAsync(() => handled.Count >= ChatAppSamples.All.Count, ct);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var events = handled.Select(h => h.Event).ToList();
        Assert.That(events, Has.Count.EqualTo(20), "each event handled once (plus nothing extra)");
        Assert.That(events.Select(e => (e.Channel, e.EventName)), Is.EquivalentTo(ChatAppSamples.All.Select(s => (s.Channel, s.EventName))));
        Assert.That(events, Has.None.InstanceOf<UnknownChatAppEvent>(), "every event deserialized into its typed model");
        Assert.That(events.OfType<MessageEvent>().Single().Items[0].Message!.Text, Is.EqualTo("Test"));
        Assert.That(Volatile.Read(ref failuresLeft), Is.LessThan(1), "the failing delivery happened");
    }
}
