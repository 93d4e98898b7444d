using System.CommandLine;
using System.Globalization;
using PusherWire.Cli.Demo;
using PusherWire.LoadRunners;

namespace PusherWire.Cli.Bench;

/// <summary>
/// <c>pusherwire bench</c>: frame throughput and latency over loopback against the embedded server, with ChatApp's
/// ~1 KB <c>message</c> sample, side by side with a bare ClientWebSocket read loop (the ceiling); <c>--scale</c> adds
/// 1,000 connections × 4 channels and 10,000 channels on one connection. The runs are PusherWire.LoadRunners's
/// <see cref="LoadSuite"/> (shared with benchmarks/PusherWire.Benchmarks); this command only parses options.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var count = new Option<int>("--count") { Description = "Events per throughput run", DefaultValueFactory = _ => 200_000 };
        var repeats = new Option<int>("--repeats") { Description = "Throughput runs per client (the median is shown)", DefaultValueFactory = _ => 5 };
        var rates = new Option<string>("--rates") { Description = "Comma-separated fixed rates (events/s) for the latency runs; empty to skip", DefaultValueFactory = _ => "10000,100000" };
        var seconds = new Option<double>("--seconds") { Description = "Length of each latency run", DefaultValueFactory = _ => 3 };
        var noCeiling = new Option<bool>("--no-ceiling") { Description = "Skip the bare ClientWebSocket baseline" };
        var scale = new Option<bool>("--scale") { Description = "Also run the scale tests (connections x channels, channels on one connection)" };
        var connections = new Option<int>("--connections") { Description = "Connections in the scale test", DefaultValueFactory = _ => 1_000 };
        var perConnection = new Option<int>("--channels-per-connection") { Description = "Channels per connection in the scale test", DefaultValueFactory = _ => 4 };
        var channels = new Option<int>("--channels") { Description = "Channels on one connection in the scale test", DefaultValueFactory = _ => 10_000 };
        var command = new Command("bench", "Measure event throughput and latency over loopback (embedded server, ChatApp's message event)")
        {
            count, repeats, rates, seconds, noCeiling, scale, connections, perConnection, channels,
        };
        command.SetAction(async (result, ct) =>
        {
            var options = new LoadSuiteOptions
            {
                PayloadJson = LoadPayload.Minify(ChatAppSamples.All.First(s => s.EventName == "message").PayloadJson),
                BlastCount = Positive(result.GetValue(count), "--count", 10_000_000),
                BlastRepeats = Positive(result.GetValue(repeats), "--repeats", 20),
                Rates = ParseRates(result.GetValue(rates) ?? ""),
                SecondsPerRate = result.GetValue(seconds) is var s and > 0 and <= 60 ? s : throw new CliArgumentException("--seconds must be above 0 and at most 60."),
                IncludeCeiling = !result.GetValue(noCeiling),
                IncludeScale = result.GetValue(scale),
                Connections = Positive(result.GetValue(connections), "--connections", 5_000),
                ChannelsPerConnection = Positive(result.GetValue(perConnection), "--channels-per-connection", 100),
                Channels = Positive(result.GetValue(channels), "--channels", 100_000),
            };
            LoadSuiteResult outcome = await LoadSuite.RunAsync(options, stdout, progress: stderr, ct).ConfigureAwait(false);
            if (!outcome.Complete)
            {
                await stderr.WriteLineAsync("Some events, connections or channels did not arrive in time (see the tables).").ConfigureAwait(false);
                return ExitCodes.Timeout;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static int Positive(int value, string name, int max) =>
        value > 0 && value <= max ? value : throw new CliArgumentException($"{name} must be between 1 and {max:N0}.");

    private static double[] ParseRates(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var rates = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out rates[i]) || rates[i] is <= 0 or > 2_000_000)
            {
                throw new CliArgumentException($"--rates: '{parts[i]}' is not a rate between 0 and 2,000,000 events/s.");
            }
        }

        return rates;
    }
}
