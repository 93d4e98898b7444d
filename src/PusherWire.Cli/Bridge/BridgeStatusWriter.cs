// The NDJSON status records 'pusherwire bridge' prints on stdout (docs/cli.md, "bridge").
using System.Text.Encodings.Web;
using System.Text.Json;
using PusherWire.Authorization;
using PusherWire.Bridge.Nats;

namespace PusherWire.Cli.Bridge;

/// <summary>
/// One JSON object per line, with a <c>kind</c> like listen's records: <c>bridge</c>, <c>state</c>, <c>subscribed</c>,
/// <c>subscription_error</c>, <c>error</c>, <c>nats</c>, <c>publish_error</c>, <c>stats</c>. Thread-safe.
/// </summary>
internal sealed class BridgeStatusWriter(TextWriter output)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();

    public void Bridge(BridgeSettings settings) => Write(json =>
    {
        json.WriteString("kind", "bridge");
        json.WriteString("nats", settings.NatsForDisplay);
        json.WriteString("stream", settings.Stream);
        json.WriteString("subjects", settings.SubjectPrefix + ".>");
        json.WriteNumber("duplicateWindowSeconds", settings.DuplicateWindow.TotalSeconds);
    });

    public void State(ConnectionState from, ConnectionState to, string? socketId) => Write(json =>
    {
        json.WriteString("kind", "state");
        json.WriteString("from", Name(from));
        json.WriteString("to", Name(to));
        if (socketId is not null)
        {
            json.WriteString("socketId", socketId);
        }
    });

    public void Subscribed(string channel) => Write(json =>
    {
        json.WriteString("kind", "subscribed");
        json.WriteString("channel", channel);
    });

    public void SubscriptionError(string channel, PusherException error) => Write(json =>
    {
        json.WriteString("kind", "subscription_error");
        json.WriteString("channel", channel);
        if (error is ChannelAuthorizationException { StatusCode: { } status })
        {
            json.WriteNumber("status", status);
        }

        json.WriteString("message", LogSanitizer.Clean(error.Message));
    });

    public void Error(Exception error) => Write(json =>
    {
        json.WriteString("kind", "error");
        json.WriteString("type", error.GetType().Name);
        json.WriteString("message", LogSanitizer.Clean(error.Message));
    });

    public void Nats(string state) => Write(json =>
    {
        json.WriteString("kind", "nats");
        json.WriteString("state", state);
    });

    public void PublishError(PublishFailedEventArgs failure) => Write(json =>
    {
        json.WriteString("kind", "publish_error");
        json.WriteString("channel", failure.Channel);
        json.WriteString("event", failure.EventName);
        json.WriteNumber("attempt", failure.Attempt);
        json.WriteNumber("retryMs", (long)failure.RetryDelay.TotalMilliseconds);
        json.WriteString("message", LogSanitizer.Clean(failure.Error.Message));
    });

    public void Stats(NatsBridgeMetrics m, bool final) => Write(json =>
    {
        json.WriteString("kind", "stats");
        json.WriteNumber("received", m.Received);
        json.WriteNumber("published", m.Published);
        json.WriteNumber("deduplicated", m.Deduplicated);
        json.WriteNumber("queued", m.Queued);
        json.WriteNumber("dropped", m.Dropped);
        json.WriteNumber("retries", m.Retries);
        json.WriteNumber("latencyMeanMs", Math.Round(m.PublishLatencyMean.TotalMilliseconds, 3));
        json.WriteNumber("latencyMaxMs", Math.Round(m.PublishLatencyMax.TotalMilliseconds, 3));
        if (final)
        {
            json.WriteBoolean("final", true);
        }
    });

    private static string Name(ConnectionState state) => state.ToString().ToLowerInvariant();

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        string line = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
