using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Internal;

namespace PusherWire.ChatApp.Tests;

/// <summary>
/// A client whose routing path is fed Pusher frames directly on the calling thread, with no socket (as the core's
/// tests do): events reach bindings and readers exactly as they would from the network.
/// </summary>
internal sealed class RoutingHarness : IAsyncDisposable
{
    public RoutingHarness()
    {
        Client = new PusherClient(new PusherOptions("key") { TimeProvider = new FakeTimeProvider() });
        Connection = new PusherConnection(Client, Client.Options);
        Client.AttachForRouting(Connection);
        Client.Error += (_, e) => Errors.Add(e);
        FeedRaw("""{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"}""");
    }

    public PusherClient Client { get; }

    public PusherConnection Connection { get; }

    public List<PusherException> Errors { get; } = [];

    /// <summary>Sends an event the way Pusher servers do: <c>data</c> as a JSON-encoded string.</summary>
    public void Feed(string channel, string eventName, string data) => FeedRaw(Frame(channel, eventName, data));

    /// <summary>Sends an event with the data bytes (UTF-8 JSON) as a JSON-encoded string.</summary>
    public void Feed(string channel, string eventName, byte[] data) => Feed(channel, eventName, Encoding.UTF8.GetString(data));

    public void FeedRaw(string frame)
    {
        ValueTask pending = Connection.ProcessMessage(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(frame)));
        Assert.That(pending.IsCompletedSuccessfully, Is.True, "routing completed synchronously");
    }

    public static string Frame(string channel, string eventName, string data)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event", eventName);
            writer.WriteString("channel", channel);
            writer.WriteString("data", data);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Client.DisposeAsync();
    }
}
