// ChatAppWorkers: run two or more copies; they share the events a pusherwire bridge stored in JetStream.
using ChatAppWorkers;
using NATS.Client.Core;
using NATS.Client.JetStream;
using PusherWire.ChatApp;

string url = args.Length > 0 ? args[0] : "nats://127.0.0.1:4222";
string stream = args.Length > 1 ? args[1] : "CHATAPP";
string durable = args.Length > 2 ? args[2] : "chatapp-workers";
string filter = args.Length > 3 ? args[3] : "chatapp.>";

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var nats = new NatsConnection(new NatsOpts { Url = url, Name = $"chatapp-worker-{Environment.ProcessId}" });
var worker = new ChatAppWorker(new NatsJSContext(nats), stream, durable, filter);
Console.WriteLine($"worker {Environment.ProcessId}: consuming {filter} from {stream} as '{durable}' (Ctrl+C to stop)");
await worker.RunAsync((e, _) =>
{
    string summary = e switch
    {
        MessageEvent m => $"message {m.Items[0].Id} ({m.Items[0].Direction}): {m.Items[0].Message?.Text}",
        UnknownChatAppEvent u => $"unknown event '{u.EventName}'",
        _ => e.GetType().Name,
    };
    Console.WriteLine($"{e.Channel}: {summary}");
    return ValueTask.CompletedTask;
}, stop.Token);
