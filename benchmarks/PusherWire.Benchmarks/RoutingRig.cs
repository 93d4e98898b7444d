using System.Buffers;
using System.Text;
using PusherWire.Internal;

namespace PusherWire.Benchmarks;

/// <summary>
/// A PusherClient whose routing path is fed frames on the calling thread, with no socket: the receive path from the
/// complete message (pipe output) to the callback, exactly as PusherConnection.ParseLoopAsync runs it.
/// </summary>
internal sealed class RoutingRig : IAsyncDisposable
{
    public RoutingRig(PusherOptions? options = null)
    {
        Client = new PusherClient(options ?? new PusherOptions("key"));
        Connection = new PusherConnection(Client, Client.Options);
        Client.AttachForRouting(Connection);
        Client.Error += (_, e) => throw new InvalidOperationException($"The benchmark frame was not routed cleanly: {e.Message}", e);
        Feed(Encoding.UTF8.GetBytes("""{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"}"""));
    }

    public PusherClient Client { get; }

    public PusherConnection Connection { get; }

    public void Feed(byte[] message) => Feed(new ReadOnlySequence<byte>(message));

    public void Feed(ReadOnlySequence<byte> message)
    {
        // Routing completes synchronously unless a Wait-policy reader is full; none exists here.
#pragma warning disable CA2012 // the ValueTask is consumed exactly once, by this check
        if (!Connection.ProcessMessage(message).IsCompletedSuccessfully)
#pragma warning restore CA2012
        {
            throw new InvalidOperationException("Routing must complete synchronously.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        await Client.DisposeAsync().ConfigureAwait(false);
    }
}
