// The client processes compared: how each is started and how the runner knows it has received everything.
using System.Diagnostics;

namespace PusherWire.Comparison;

/// <summary>How a client reports: "done N" (counting consumers) or one NDJSON line per event (stdout clients).</summary>
internal enum Output
{
    Done,
    Lines,
}

/// <summary>One client kind: a name, its command line, and whether it subscribes (the raw ceiling does not).</summary>
internal sealed record ClientKind(string Name, Output Output, bool Subscribes, Func<Endpoint, int, long?, int, ProcessStartInfo> Command)
{
    /// <summary>The same client with extra environment variables (runtime knobs such as DOTNET_TieredPGO).</summary>
    public ClientKind With(string suffix, params (string Name, string Value)[] environment) => this with
    {
        Name = $"{Name}, {suffix}",
        Command = (e, n, b, w) =>
        {
            ProcessStartInfo info = Command(e, n, b, w);
            foreach ((string name, string value) in environment)
            {
                info.Environment[name] = value;
            }

            return info;
        },
    };

    public static ClientKind? Find(IEnumerable<ClientKind> all, string name) => all.FirstOrDefault(k => k.Name == name);
}

/// <summary>Where the clients connect.</summary>
internal sealed record Endpoint(string Host, int Port, string Key, string Channel, Uri Auth);

/// <summary>The clients, located from the repository root.</summary>
internal static class Clients
{
    public static IReadOnlyList<ClientKind> All(string root, bool nodeAvailable)
    {
        string consumer = Path.Combine(root, "benchmarks/PusherWire.Consumer/bin/Release/net10.0/PusherWire.Consumer.dll");
        string cli = Path.Combine(root, "src/PusherWire.Cli/bin/Release/net10.0/PusherWire.Cli.dll");
        string js = Path.Combine(root, "benchmarks/pusher-js");
        var library = new ClientKind("PusherWire (library)", Output.Done, true, (e, n, b, w) => Dotnet(consumer, Common(e, n, b, w)));
        var list = new List<ClientKind>
        {
            library,
            // What an application that sets <TieredPGO>false</TieredPGO> (as the CLI does) gets; see docs/performance.md.
            library.With("TieredPGO off", ("DOTNET_TieredPGO", "0")),
            new("bare ClientWebSocket (ceiling)", Output.Done, false, (e, n, b, w) => Dotnet(consumer, [.. Common(e, n, b, w), "--raw"])),
            new ClientKind("bare ClientWebSocket (ceiling)", Output.Done, false, (e, n, b, w) => Dotnet(consumer, [.. Common(e, n, b, w), "--raw"])).With("TieredPGO off", ("DOTNET_TieredPGO", "0")),
            new("pusherwire listen --format ndjson", Output.Lines, true, (e, _, _, _) => Dotnet(cli,
            [
                "listen", "--no-tls", "--host", e.Host, "--port", $"{e.Port}", "--key", e.Key, "--auth-endpoint", e.Auth.ToString(),
                "--token", "comparison", "--channel", e.Channel, "--format", "ndjson",
            ])),
        };
        // Runtime-setting experiments for the CLI (docs/performance.md, "Runtime settings"): its former setting, tiered
        // compilation off (the framework's ReadyToRun code is then never re-jitted), and that plus ReadyToRun off.
        ClientKind cliKind = list[^1];
        list.Add(cliKind.With("tiered compilation off", ("DOTNET_TieredCompilation", "0")));
        list.Add(cliKind.With("tiered compilation and ReadyToRun off", ("DOTNET_TieredCompilation", "0"), ("DOTNET_ReadyToRun", "0")));
        if (nodeAvailable)
        {
            list.Insert(1, new("pusher-js 8.6.0 (library)", Output.Done, true, (e, n, b, w) => Node(Path.Combine(js, "count.js"), Common(e, n, b, w))));
            list.Add(new("pusher-js 8.6.0 ndjson", Output.Lines, true, (e, n, b, w) => Node(Path.Combine(js, "ndjson.js"), Common(e, n, b, w))));
        }

        return list;
    }

    private static string[] Common(Endpoint e, int count, long? baseTicks, int warmup)
    {
        string[] args = ["--host", e.Host, "--port", $"{e.Port}", "--key", e.Key, "--channel", e.Channel, "--auth", e.Auth.ToString(), "--count", $"{count}", "--warmup", $"{warmup}"];
        return baseTicks is { } b ? [.. args, "--base", $"{b}"] : args;
    }

    private static ProcessStartInfo Dotnet(string dll, string[] args) => Start("dotnet", [dll, .. args]);

    private static ProcessStartInfo Node(string script, string[] args) => Start("node", [script, .. args]);

    private static ProcessStartInfo Start(string file, string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }
}
