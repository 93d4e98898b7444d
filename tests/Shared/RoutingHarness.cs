using System.Buffers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PusherWire.Internal;
using PusherWire.Testing;

namespace PusherWire.Tests.Shared;

/// <summary>
/// A client whose routing path is fed Pusher frames directly on the calling thread, with no socket: events reach
/// bindings and readers exactly as they would from the network. Shared by the core and ChatApp test projects
/// (linked from tests/Shared).
/// </summary>
internal sealed class RoutingHarness : IAsyncDisposable
{
    public RoutingHarness(PusherOptions? options = null)
    {
        Client = new PusherClient(options ?? new PusherOptions("key") { TimeProvider = new FakeTimeProvider() });
        Connection = new PusherConnection(Client, Client.Options);
        Client.AttachForRouting(Connection);
        Client.Error += (_, e) => Errors.Add(e);
        Feed("""{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"}""");
    }

    public PusherClient Client { get; }

    public PusherConnection Connection { get; }

    public List<PusherException> Errors { get; } = [];

    /// <summary>Feeds one raw message exactly as given.</summary>
    public void Feed(string json) => Feed(Encoding.UTF8.GetBytes(json));

    /// <summary>Feeds an event the way Pusher servers send it: <c>data</c> JSON-encoded as a string.</summary>
    public void FeedEvent(string channel, string eventName, string dataJson) => Feed(PusherTestServer.EncodeEvent(channel, eventName, dataJson));

    /// <summary>Feeds an event whose data is UTF-8 JSON bytes, JSON-encoded as a string like a server does.</summary>
    public void FeedEvent(string channel, string eventName, byte[] dataJson) => FeedEvent(channel, eventName, Encoding.UTF8.GetString(dataJson));

    public void Feed(byte[] message)
    {
        ValueTask pending = Connection.ProcessMessage(new ReadOnlySequence<byte>(message));
        Assert.That(pending.IsCompletedSuccessfully, Is.True, "routing completed synchronously");
    }

    /// <summary>Feeds one message split across several pipe segments, as a fragmented WebSocket message can arrive.</summary>
    public void FeedSegmented(byte[] message, int segmentSize)
    {
        ValueTask pending = Connection.ProcessMessage(Segments.Split(message, segmentSize));
        Assert.That(pending.IsCompletedSuccessfully, Is.True);
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Client.DisposeAsync();
    }
}
