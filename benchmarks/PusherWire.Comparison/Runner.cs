// One measured run: a fresh loopback server, one client process, N frames blasted or paced, then the client's /proc figures.
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using PusherWire.LoadRunners;

namespace PusherWire.Comparison;

/// <summary>What one run measured.</summary>
/// <param name="Stats">The client's CPU and peak RSS when it had handled the last event.</param>
/// <param name="Elapsed">First send to last event handled (blast), or the run's length (paced).</param>
/// <param name="StartToDone">Process start to last event handled.</param>
/// <param name="LatencyUs">p50, p90, p99, p99.9, max in µs (paced runs), else null.</param>
internal sealed record RunResult(ProcStats Stats, TimeSpan Elapsed, TimeSpan StartToDone, long[]? LatencyUs);

internal static class Runner
{
    public const string Channel = "private-v1.licenses.1229.messengers.telegram";

    /// <param name="warmup">Events sent first (at the same rate) and left out of the latency figures: the clients' JIT
    /// tier-up happens during them, not during the measured events.</param>
    public static async Task<RunResult> RunAsync(ClientKind kind, string payloadJson, int count, double? rate, TimeSpan timeout, int warmup = 0)
    {
        await using PusherTestServer server = await PusherTestServer.StartAsync();
        var endpoint = new Endpoint(server.Host, server.Port, server.Options.AppKey, Channel, server.AuthEndpoint);
        long baseTicks = Stopwatch.GetTimestamp();
        long started = Stopwatch.GetTimestamp();
        using Process process = Process.Start(kind.Command(endpoint, count, rate is null ? null : baseTicks, warmup))
            ?? throw new InvalidOperationException($"could not start {kind.Name}");
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine($"  [{kind.Name} stderr] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        var reader = new OutputReader(process, kind.Output, count, warmup, rate is null ? null : baseTicks);
        Task reading = Task.Run(reader.ReadAsync);
        try
        {
            using var setup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            TestConnection connection = await server.WaitForConnectionAsync(0, setup.Token);
            if (kind.Subscribes)
            {
                await connection.WaitForSubscriptionAsync(Channel, setup.Token);
            }

            var frame = new SequencedFrame(Channel, "message", payloadJson);
            long t0 = Stopwatch.GetTimestamp();
            if (rate is { } r)
            {
                await Task.Run(() => SendPaced(connection, frame, warmup + count, r, baseTicks));
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    frame.SetSequence(i);
                    await connection.SendRawAsync(frame.Bytes, WebSocketMessageType.Text);
                }
            }

            if (await Task.WhenAny(reader.Done.Task, Task.Delay(timeout)) != reader.Done.Task)
            {
                throw new TimeoutException($"{kind.Name}: {reader.Received}/{warmup + count} events within {timeout.TotalSeconds} s");
            }

            (ProcStats stats, long doneAt) = await reader.Done.Task;
            long[]? latency = reader.Latencies is { } l ? Summarize(l, count) : reader.ReportedLatency;
            return new RunResult(stats, Stopwatch.GetElapsedTime(t0, doneAt), Stopwatch.GetElapsedTime(started, doneAt), latency);
        }
        finally
        {
            try
            {
                process.StandardInput.Close(); // counting consumers exit on stdin EOF
                if (!process.WaitForExit(kind.Output == Output.Lines ? 0 : 5_000))
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }

            await reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Sends at a fixed rate from one thread; each frame carries its send time (µs since base) in seq.</summary>
    private static void SendPaced(TestConnection connection, SequencedFrame frame, int count, double rate, long baseTicks)
    {
        long start = Stopwatch.GetTimestamp();
        double ticksPerEvent = Stopwatch.Frequency / rate;
        long sleepThreshold = Stopwatch.Frequency / 500;
        for (int i = 0; i < count; i++)
        {
            long due = start + (long)(i * ticksPerEvent);
            long now = Stopwatch.GetTimestamp();
            while (now < due)
            {
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

            now = Stopwatch.GetTimestamp();
            frame.SetSequence((int)((now - baseTicks) * 1_000_000 / Stopwatch.Frequency));
            connection.SendRawAsync(frame.Bytes, WebSocketMessageType.Text).GetAwaiter().GetResult();
        }
    }

    public static long[] Summarize(long[] values, int n)
    {
        long[] sorted = values[..Math.Min(n, values.Length)];
        Array.Sort(sorted);
        long P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return sorted.Length == 0 ? [0, 0, 0, 0, 0] : [P(0.5), P(0.9), P(0.99), P(0.999), sorted[^1]];
    }

    /// <summary>Reads the client's stdout: "done"/"latency" lines, or NDJSON event lines (timed here, one clock).</summary>
    private sealed class OutputReader(Process process, Output output, int count, int warmup, long? baseTicks)
    {
        public TaskCompletionSource<(ProcStats, long)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long[]? Latencies { get; } = output == Output.Lines && baseTicks is not null ? new long[count] : null;

        public long[]? ReportedLatency { get; private set; }

        public int Received { get; private set; }

        public async Task ReadAsync()
        {
            StreamReader stdout = process.StandardOutput;
            while (await stdout.ReadLineAsync() is { } line)
            {
                if (output == Output.Done)
                {
                    if (line.StartsWith("done ", StringComparison.Ordinal))
                    {
                        long at = Stopwatch.GetTimestamp();
                        Received = int.Parse(line[5..], CultureInfo.InvariantCulture);
                        ProcStats stats = ProcStats.Read(process.Id);
                        if (baseTicks is not null)
                        {
                            string? latency = await stdout.ReadLineAsync();
                            ReportedLatency = latency?.Split(' ').Skip(1).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                        }

                        Done.TrySetResult((stats, at));
                    }

                    continue;
                }

                if (!line.Contains("\"kind\":\"event\"", StringComparison.Ordinal))
                {
                    continue;
                }

                int measured = Received - warmup;
                if (Latencies is not null && measured >= 0 && measured < count && SequencedFrame.TryReadSequence(System.Text.Encoding.UTF8.GetBytes(line), out int sentUs))
                {
                    Latencies[measured] = (Stopwatch.GetTimestamp() - baseTicks!.Value) * 1_000_000 / Stopwatch.Frequency - sentUs;
                }

                if (++Received == warmup + count)
                {
                    long at = Stopwatch.GetTimestamp();
                    Done.TrySetResult((ProcStats.Read(process.Id), at));
                }
            }
        }
    }
}
