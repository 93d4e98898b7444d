// 'pusherwire bench-bridge': events/s one bridge gets into JetStream (a running nats-server is required).
using System.CommandLine;
using System.Globalization;
using PusherWire.Cli.Demo;
using PusherWire.LoadRunners;

namespace PusherWire.Cli.Bench;

/// <summary><c>pusherwire bench-bridge</c>: runs <see cref="BridgeLoadRunner"/> for each channel count and prints a table.</summary>
internal static class BenchBridgeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var nats = new Option<string>("--nats") { Description = "NATS server URL (nats-server -js)", DefaultValueFactory = _ => "nats://127.0.0.1:4222" };
        var events = new Option<int>("--events") { Description = "Events per run", DefaultValueFactory = _ => 20_000 };
        var channels = new Option<string>("--channels") { Description = "Comma-separated channel counts, one run each", DefaultValueFactory = _ => "1,4,16" };
        var command = new Command("bench-bridge", "Measure events/s from a loopback Pusher server through one bridge into JetStream (file storage)") { nats, events, channels };
        command.SetAction(async (result, ct) =>
        {
            int count = result.GetValue(events) is var n and > 0 and <= 10_000_000 ? n : throw new CliArgumentException("--events must be between 1 and 10000000.");
            int[] counts = (result.GetValue(channels) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v is > 0 and <= 10_000 ? v : throw new CliArgumentException($"--channels: '{c}' is not a channel count (1-10000)."))
                .ToArray();
            string payload = LoadPayload.Minify(ChatAppSamples.All.First(s => s.EventName == "message").PayloadJson);
            await stdout.WriteLineAsync($"bridge -> JetStream, {count:N0} distinct events of {payload.Length + 20} bytes per run, {result.GetValue(nats)}").ConfigureAwait(false);
            await stdout.WriteLineAsync("| channels | events/s | mean ack ms | max ack ms | retries |").ConfigureAwait(false);
            await stdout.WriteLineAsync("|---:|---:|---:|---:|---:|").ConfigureAwait(false);
            foreach (int c in counts)
            {
                BridgeLoadResult r;
                try
                {
                    r = await BridgeLoadRunner.RunAsync(result.GetValue(nats)!, c, count, payload, ct).ConfigureAwait(false);
                }
                catch (NATS.Client.Core.NatsException e)
                {
                    await stderr.WriteLineAsync($"fatal: NATS: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Fatal;
                }

                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"| {c} | {r.EventsPerSecond:N0} | {r.Metrics.PublishLatencyMean.TotalMilliseconds:0.00} | {r.Metrics.PublishLatencyMax.TotalMilliseconds:0.0} | {r.Metrics.Retries} |")).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
