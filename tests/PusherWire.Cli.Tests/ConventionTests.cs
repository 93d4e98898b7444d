// clig.dev conventions: usage errors exit 2 with a hint, an unreachable first connect is fatal (exit 1), a closed
// stdout ends the program quietly.
using System.Net;
using System.Net.Sockets;
using PusherWire.Cli.Output;

namespace PusherWire.Cli.Tests;

public class ConventionTests
{
    [Test, CancelAfter(60_000)]
    public async Task Listen_WithoutAToken_Exits2_NamingTokenAndTheEnvironmentVariable(CancellationToken ct)
    {
        (int exit, Cli cli) = await Cli.RunAsync(["listen", "--user", "685"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.BadArguments), cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.Contain("--token").And.Contain("CHATAPP_TOKEN"));
        Assert.That(cli.Stdout.Text, Is.Empty, "diagnostics go to stderr only");
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_PublicChannelWithoutAToken_IsAllowed_UntilItsOwnOutcome(CancellationToken ct)
    {
        (int exit, Cli cli) = await Cli.RunAsync(["listen", "--channel", "public-news", "--host", "127.0.0.1", "--port", $"{UnusedPort()}", "--no-tls", "--auth-endpoint", "http://127.0.0.1:1/auth"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), "refused first connect, not a missing-token usage error: " + cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.Not.Contain("--token"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_UnresolvableHost_IsFatalAtOnce_Exit1(CancellationToken ct)
    {
        (int exit, Cli cli) = await Cli.RunAsync(["listen", "--user", "685", "--token", "t", "--host", "no-such-host.invalid", "--timeout", "50"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.StartWith("fatal: cannot resolve host 'no-such-host.invalid' (check --host)"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Listen_RefusedOnTheFirstConnect_IsFatalAtOnce_Exit1(CancellationToken ct)
    {
        int port = UnusedPort();

        (int exit, Cli cli) = await Cli.RunAsync(["listen", "--user", "685", "--token", "t", "--host", "127.0.0.1", "--port", $"{port}", "--no-tls", "--auth-endpoint", "http://127.0.0.1:1/auth", "--timeout", "50"], ct);

        Assert.That(exit, Is.EqualTo(ExitCodes.Fatal), cli.AllOutput);
        Assert.That(cli.Stderr.Text, Does.StartWith($"fatal: 127.0.0.1:{port} refused the connection"));
    }

    [Test]
    public async Task ClosedStdout_ReportsEachFailedWrite_AndNeverThrows()
    {
        int closed = 0;
        await using var guard = new ClosedStdoutGuard(new BrokenPipe(), () => closed++);

        Assert.DoesNotThrow(() => guard.Write("x"u8));
        await guard.WriteAsync(new byte[] { 1 });
        Assert.DoesNotThrow(guard.Flush);
        Assert.That(closed, Is.EqualTo(3), "each failed write reports; the real callback exits the process at the first");
    }

    /// <summary>A port nothing listens on: bound, then released.</summary>
    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class BrokenPipe : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("Broken pipe");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("Broken pipe");

        public override void Flush() => throw new IOException("Broken pipe");
    }
}
