// Metrics and spans of a real client against the embedded server: connect/subscribe/authorize spans, auth metrics,
// connection-state gauge, reconnect counter, and the W3C trace context on the auth request.
using System.Collections.Concurrent;
using System.Diagnostics;
using PusherWire.Authorization;
using PusherWire.Testing;
using PusherWire.Tests.Integration;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace PusherWire.Tests.Telemetry;

public class ClientTelemetryTests
{
    [Test, CancelAfter(60_000)]
    public async Task ConnectSubscribeAuthorize_AreSpans_AndAuthIsMeasured(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        using var capture = new MetricCapture(h.Server.Port);
        var spans = new ConcurrentQueue<Activity>();
        var stopped = new Signal();
        using ActivityListener listener = Listen(spans, stopped);
        PusherChannel channel = h.Client.Subscribe("private-v1.users.685");

        await h.Client.ConnectAsync(ct);
        await channel.WaitForSubscriptionAsync(ct);
        await stopped.WaitAsync(() => spans.Any(s => s.OperationName == "pusher subscribe"), ct);

        Activity connect = spans.Single(s => s.OperationName == "pusher connect");
        Activity subscribe = spans.Single(s => s.OperationName == "pusher subscribe");
        Activity authorize = spans.Single(s => s.OperationName == "pusher authorize");
        Assert.Multiple(() =>
        {
            Assert.That(connect.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(connect.GetTagItem("server.port"), Is.EqualTo(h.Server.Port));
            Assert.That(authorize.ParentSpanId, Is.EqualTo(subscribe.SpanId), "authorize runs inside subscribe");
            Assert.That(authorize.GetTagItem("pusher.channel"), Is.EqualTo("private-v1.users.685"));
            Assert.That(spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString()), Has.None.Contains(ClientHarness.Token));
        });

        MetricCapture.Measured duration = capture.Of(PusherDiagnostics.AuthDuration).Single();
        Assert.That(duration.Tags["pusher.channel.type"], Is.EqualTo("private"));
        Assert.That(duration.Tags.ContainsKey("error.type"), Is.False);
        Assert.That(capture.Of(PusherDiagnostics.AuthFailures), Is.Empty);

        capture.Observe();
        Assert.That(capture.Of(PusherDiagnostics.Connections).Single(m => (string?)m.Tags["pusher.connection.state"] == "connected").Value, Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task RefusedAuth_IsCountedAsAFailure_AndMarksTheSpans(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(token: "wrong", ct: ct);
        using var capture = new MetricCapture(h.Server.Port);
        var spans = new ConcurrentQueue<Activity>();
        var stopped = new Signal();
        using ActivityListener listener = Listen(spans, stopped);
        PusherChannel channel = h.Client.Subscribe("private-v1.users.685");

        await h.Client.ConnectAsync(ct);
        await Assert.ThrowsAsync<ChannelAuthorizationException>(() => channel.WaitForSubscriptionAsync(ct));
        await stopped.WaitAsync(() => spans.Any(s => s.OperationName == "pusher subscribe"), ct);

        MetricCapture.Measured failure = capture.Of(PusherDiagnostics.AuthFailures).Single();
        Assert.That(failure.Tags["error.type"], Is.EqualTo(nameof(ChannelAuthorizationFailure.HttpStatus)));
        Assert.That(capture.Of(PusherDiagnostics.AuthDuration).Single().Tags["error.type"], Is.EqualTo(nameof(ChannelAuthorizationFailure.HttpStatus)));
        Assert.That(spans.Single(s => s.OperationName == "pusher authorize").Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(spans.Single(s => s.OperationName == "pusher subscribe").Status, Is.EqualTo(ActivityStatusCode.Error));
    }

    [Test, CancelAfter(60_000)]
    public async Task LostConnection_CountsAReconnect_TaggedWithItsAction(CancellationToken ct)
    {
        await using ClientHarness h = await ClientHarness.StartAsync(ct: ct);
        using var capture = new MetricCapture(h.Server.Port);
        await h.Client.ConnectAsync(ct);
        TestConnection first = await h.Server.WaitForConnectionAsync(0, ct);

        await first.CloseAsync(4200, "reconnect now", ct);
        ReconnectScheduledEventArgs scheduled = await h.AdvanceThroughNextReconnectAsync(ct);

        MetricCapture.Measured reconnect = capture.Of(PusherDiagnostics.Reconnects).Single();
        Assert.That(reconnect.Tags["pusher.close_action"], Is.EqualTo(scheduled.Action.ToString()).And.EqualTo("Retry"));
    }

    [Test, CancelAfter(60_000)]
    public async Task AuthRequest_CarriesTheW3CTraceContext_OfTheCurrentSpan(CancellationToken ct)
    {
        using WireMockServer auth = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        auth.Given(Request.Create().WithPath("/auth").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"auth":"k:sig"}"""));
        using var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(new Uri(auth.Urls[0] + "/auth")) { AllowInsecureTransport = true });
        using var source = new ActivitySource("PusherWire.Tests.TraceContext");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using (Activity span = source.StartActivity("caller")!)
        {
            await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest("1.2", "private-x"), ct);
            string traceparent = auth.LogEntries.Single().RequestMessage!.Headers!["traceparent"].Single();
            Assert.That(traceparent, Does.StartWith($"00-{span.TraceId}-"));
        }
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> spans, Signal stopped)
    {
        // Tests in this project run one at a time, so every PusherWire span seen here is this test's client's.
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PusherDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                spans.Enqueue(a);
                stopped.Pulse();
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
