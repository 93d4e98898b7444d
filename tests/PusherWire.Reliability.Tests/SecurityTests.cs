using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Authorization;
using PusherWire.Testing;

namespace PusherWire.Reliability.Tests;

/// <summary>TLS and token hygiene (catalogue 26, 40, 52 and the security checklist).</summary>
public class SecurityTests
{
    [Test]
    public void Sec_TlsIsTheDefault_PlainTransportAndEndpointOnlyWhenExplicitlyAllowed()
    {
        var options = new PusherOptions("key");
        Assert.That((options.UseTls, options.BuildUri().Scheme), Is.EqualTo((true, "wss")));
        Assert.Throws<ArgumentException>(() => _ = new PusherClient(options with { UseTls = false }));
        Assert.That(new PusherClient(options with { UseTls = false, AllowInsecureTransport = true }).Options.BuildUri().Scheme, Is.EqualTo("ws"));

        var endpoint = new Uri("http://127.0.0.1:1/broadcasting/auth");
        Assert.Throws<ArgumentException>(() => new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(endpoint)).Dispose());
        Assert.DoesNotThrow(() => new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(endpoint) { AllowInsecureTransport = true }).Dispose());
        Assert.DoesNotThrow(() => new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(new Uri("https://example.invalid/auth"))).Dispose());
    }

    [Test, CancelAfter(60_000)]
    public async Task S26_SelfSignedCertificate_FailsToConnect_RetriesOverTlsOnly_NeverFallsBackToWs(CancellationToken ct)
    {
        await using var tls = new SelfSignedTlsServer();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new PusherClient(new PusherOptions("key")
        {
            Host = "127.0.0.1",
            Port = tls.Port,
            TimeProvider = time,
            Reconnect = new ReconnectPolicy { RandomSource = () => 0 },
        });
        var scheduled = new ConcurrentQueue<ReconnectScheduledEventArgs>();
        var signal = new Signal();
        client.ReconnectScheduled += (_, s) =>
        {
            scheduled.Enqueue(s);
            signal.Pulse();
        };

        Task connecting = client.ConnectAsync(ct);
        await signal.WaitAsync(() => !scheduled.IsEmpty, ct);
        time.Advance(scheduled.First().Delay);
        await signal.WaitAsync(() => scheduled.Count == 2, ct);

        Assert.That(connecting.IsCompleted, Is.False);
        Assert.That(client.State, Is.EqualTo(ConnectionState.Connecting));
        Exception? inner = scheduled.First().Reason;
        while (inner is not null and not AuthenticationException)
        {
            inner = inner.InnerException;
        }

        Assert.That(inner, Is.InstanceOf<AuthenticationException>(), "certificate validation failed the attempt");
        Assert.That(scheduled.Select(s => s.Action), Has.All.EqualTo(CloseAction.Backoff));
        Assert.That(tls.FirstBytes, Has.Count.EqualTo(2));
        Assert.That(tls.FirstBytes, Has.All.EqualTo((byte)0x16), "every attempt was a TLS ClientHello, never a plain HTTP upgrade");
        Assert.That(tls.ApplicationBytes, Is.Zero, "no HTTP upgrade (nor anything else) was ever sent over the untrusted TLS session");
    }

    [Test, CancelAfter(60_000)]
    public async Task S40_AuthRedirect302ToAnotherOrigin_IsNotFollowed_TokenOnlyInTheAuthorizationHeader(CancellationToken ct)
    {
        await using var thief = new RawHttpServer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        await using var endpoint = new RawHttpServer(_ => $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{thief.Port}/steal?x=1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(new Uri($"http://127.0.0.1:{endpoint.Port}/broadcasting/auth"))
        {
            AllowInsecureTransport = true,
            AuthorizationProvider = _ => ValueTask.FromResult(Rig.Token),
            Headers = new Dictionary<string, string> { ["X-Static"] = "static" },
            // The 10 s auth timeout is not under test: on a busy machine it must not turn the 302 into a timeout.
            TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
        });

        ChannelAuthorizationException e = await Assert.ThrowsAsync<ChannelAuthorizationException>(
            async () => await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest("1.2", "private-x"), ct));

        Assert.That(e.StatusCode, Is.EqualTo(302));
        Assert.That(thief.Requests, Is.Empty, "the redirect target was never contacted");
        string request = endpoint.Requests.Single();
        string[] lines = request.Split("\r\n");
        Assert.That(lines[0], Does.Not.Contain(Rig.Token), "not in the URL");
        Assert.That(lines.Where(l => l.Contains(Rig.Token, StringComparison.Ordinal)), Is.EqualTo(new[] { "Authorization: " + Rig.Token }));
        Assert.That(e.ToString(), Does.Not.Contain(Rig.Token));
        Assert.That(authorizer.ToString() + authorizer.Options, Does.Not.Contain(Rig.Token).And.Not.Contain("static\""));
    }

    [Test, CancelAfter(60_000)]
    public async Task S52_SentinelToken_DrivenThroughEveryKindOfFailure_AppearsNowhereButTheAuthorizationHeader(CancellationToken ct)
    {
        await using Rig r = await Rig.StartAsync(new PusherTestServerOptions
        {
            RequiredAuthorization = Rig.Token,
            AuthInterceptor = async (request, aborted) =>
            {
                switch (request.ChannelName)
                {
                    case "private-f401": return new TestAuthResponse(401, "{\"message\":\"Unauthenticated.\"}");
                    case "private-f403": return new TestAuthResponse(403, "{}");
                    case "private-f500": return new TestAuthResponse(500, "<html>oops</html>", "text/html");
                    case "private-fjson": return new TestAuthResponse(200, "{\"auth\":");
                    case "private-fstall":
                        await Task.Delay(Timeout.Infinite, aborted);
                        return null;
                    default: return null;
                }
            },
        }, ct: ct);
        string[] failing = ["private-f401", "private-f403", "private-f500", "private-fjson", "private-fstall"];
        PusherChannel[] channels = [.. failing.Select(r.Client.Subscribe)];
        TestConnection server = await r.ConnectAndSubscribeAsync(ct, "private-ok", "news");
        await r.Changed.WaitAsync(() => r.Server.AuthRequests.Any(a => a.ChannelName == "private-fstall"), ct);
        r.Time.Advance(r.Authorizer.Options.Timeout);
        foreach (PusherChannel channel in channels)
        {
            await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));
        }

        r.Client.GetChannel("news")!.Bind("e", (in PusherEvent _) => throw new InvalidOperationException("handler failed"));
        await r.Server.PublishAsync("news", "e", "{}", ct);
        await server.SendErrorAsync(4301, "rate limited", ct);
        await server.SendRawAsync("{not json", ct);
        await r.Changed.WaitAsync(() => r.Errors.OfType<PusherHandlerException>().Any() && r.Errors.OfType<PusherProtocolException>().Any(), ct);
        await server.CloseAsync(4200, "restart", ct);
        await r.AdvanceThroughReconnectAsync(1, ct);
        await (await r.Server.WaitForConnectionAsync(1, ct)).WaitForSubscriptionAsync("private-ok", ct);
        await r.Client.DisconnectAsync(ct);

        string[] captured = [.. r.CapturedText()];
        Assert.That(captured, Has.Length.GreaterThan(50));
        Assert.That(captured.Where(t => t.Contains(Rig.Token, StringComparison.Ordinal)), Is.Empty);
        Assert.That(r.Server.AuthRequests.Count(a => a.Authorized), Is.GreaterThanOrEqualTo(8), "the token did arrive, in the header");
        Assert.That(r.Errors.OfType<ChannelAuthorizationException>().Select(e => e.Failure).Distinct(),
            Is.EquivalentTo(new[] { ChannelAuthorizationFailure.HttpStatus, ChannelAuthorizationFailure.InvalidResponse, ChannelAuthorizationFailure.Timeout }));
    }

    /// <summary>A TLS listener with a self-signed certificate; records the first byte of each connection.</summary>
    private sealed class SelfSignedTlsServer : LoopbackTcpServer
    {
        private readonly X509Certificate2 _certificate;
        private int _applicationBytes;

        public SelfSignedTlsServer()
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
            Start();
        }

        public ConcurrentQueue<byte> FirstBytes { get; } = new();

        public int ApplicationBytes => Volatile.Read(ref _applicationBytes);

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            _certificate.Dispose();
        }

        protected override async Task ServeAsync(TcpClient client, CancellationToken stop)
        {
            try
            {
                byte[] first = new byte[1];
                if (await client.Client.ReceiveAsync(first, SocketFlags.Peek, stop) == 1)
                {
                    FirstBytes.Enqueue(first[0]);
                }

                await using var ssl = new SslStream(client.GetStream());
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, stop);
                // TLS 1.3: our side of the handshake can finish before the client rejects the certificate.
                int read = await ssl.ReadAsync(new byte[1024], stop);
                Interlocked.Add(ref _applicationBytes, read);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException)
            {
                // the client refused our certificate: what the test expects
            }
        }
    }

    /// <summary>A one-response-per-connection HTTP/1.1 server on loopback that records each raw request.</summary>
    private sealed class RawHttpServer : LoopbackTcpServer
    {
        private readonly Func<string, string> _respond;

        public RawHttpServer(Func<string, string> respond)
        {
            _respond = respond;
            Start();
        }

        public ConcurrentQueue<string> Requests { get; } = new();

        protected override async Task ServeAsync(TcpClient client, CancellationToken stop)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var received = new List<byte>();
                byte[] buffer = new byte[4096];
                int contentLength = -1, headerEnd = -1;
                while (headerEnd < 0 || received.Count < headerEnd + contentLength)
                {
                    int read = await stream.ReadAsync(buffer, stop);
                    if (read == 0)
                    {
                        break;
                    }

                    received.AddRange(buffer.AsSpan(0, read).ToArray());
                    string text = Encoding.ASCII.GetString([.. received]);
                    headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is int i and >= 0 ? i + 4 : -1;
                    if (headerEnd >= 0)
                    {
                        string? line = text[..headerEnd].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                        contentLength = line is null ? 0 : int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                string request = Encoding.UTF8.GetString([.. received]);
                Requests.Enqueue(request);
                await stream.WriteAsync(Encoding.ASCII.GetBytes(_respond(request)), stop);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // the client went away or the test is over
            }
        }
    }
}
