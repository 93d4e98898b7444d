// Starts a real nats-server with JetStream on a free loopback port and a temporary store, for the bridge's tests.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace PusherWire.Bridge.Nats.Tests;

/// <summary>
/// One <c>nats-server -js</c> process on 127.0.0.1 with its own store directory. It can be stopped and started again on
/// the same port and store (a NATS restart). When the binary is missing the test is ignored with the install command.
/// </summary>
internal sealed class NatsServerHarness : IAsyncDisposable
{
    public const string InstallHint = "nats-server is not installed: run `apt-get install -y nats-server` (.ci/run does this) or set NATS_SERVER to its path.";

    private readonly string _binary;
    private Process? _process;

    private NatsServerHarness(string binary, int port, string storeDirectory)
    {
        _binary = binary;
        Port = port;
        StoreDirectory = storeDirectory;
    }

    public int Port { get; }

    public string StoreDirectory { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The nats-server binary (NATS_SERVER, then PATH, then Debian's /usr/sbin), or null.</summary>
    public static string? FindBinary()
    {
        if (Environment.GetEnvironmentVariable("NATS_SERVER") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        string[] directories = [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator), "/usr/sbin", "/usr/local/sbin", "/usr/local/bin"];
        return directories.Where(d => d.Length > 0).Select(d => Path.Combine(d, "nats-server")).FirstOrDefault(File.Exists);
    }

    /// <summary>Starts a server, or ignores the calling test when nats-server is not installed.</summary>
    public static async Task<NatsServerHarness> StartAsync(CancellationToken ct)
    {
        string binary = FindBinary() ?? IgnoreMissing();
        string store = Directory.CreateTempSubdirectory("pusherwire-nats-").FullName;
        var harness = new NatsServerHarness(binary, FreePort(), store);
        try
        {
            await harness.RestartAsync(ct);
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }

        return harness;
    }

    /// <summary>A client connection to this server with short timeouts, fast reconnects and no reconnect limit.</summary>
    public NatsConnection Connect(string name = "test") => new(new NatsOpts
    {
        Url = Url,
        Name = name,
        RequestTimeout = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ReconnectWaitMin = TimeSpan.FromMilliseconds(50),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(200),
        MaxReconnectRetry = -1,
    });

    /// <summary>Starts the server process (again) and returns once it logs "Server is ready".</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(_binary)
            {
                ArgumentList = { "-js", "-a", "127.0.0.1", "-p", Port.ToString(), "-sd", StoreDirectory },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            },
            EnableRaisingEvents = true,
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains("Server is ready", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"nats-server exited before it was ready:{Environment.NewLine}{string.Join(Environment.NewLine, log)}"));
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        await ready.Task.WaitAsync(ct);
    }

    /// <summary>Kills the server (an abrupt outage); the store directory is kept for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Every message of a stream in order (count read from the stream's state first).</summary>
    public static async Task<List<NatsJSMsg<byte[]>>> ReadStreamAsync(INatsJSContext js, string stream, CancellationToken ct)
    {
        INatsJSStream info = await js.GetStreamAsync(stream, cancellationToken: ct);
        long count = info.Info.State.Messages;
        var messages = new List<NatsJSMsg<byte[]>>();
        if (count == 0)
        {
            return messages;
        }

        INatsJSConsumer consumer = await js.CreateOrderedConsumerAsync(stream, cancellationToken: ct);
        await foreach (NatsJSMsg<byte[]> msg in consumer.ConsumeAsync<byte[]>(cancellationToken: ct))
        {
            messages.Add(msg);
            if (messages.Count == count)
            {
                break;
            }
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(StoreDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private static string IgnoreMissing()
    {
        Assert.Ignore(InstallHint);
        return "";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
