using System.Buffers;
using PusherWire;
using PusherWire.Authorization;
using PusherWire.Internal;
using SharpFuzz;

namespace PusherWire.Fuzz;

/// <summary>
/// AFL++ harness (SharpFuzz, out-of-process). Targets:
///   frames (default): the input is split on '\n' into WebSocket messages and fed through PusherConnection.ProcessMessage,
///                     i.e. FrameParser + connection-level handling + routing to channel callbacks, global callbacks and
///                     readers. Any exception that escapes, or a callback that throws, is a crash.
///   auth:             the input is an auth endpoint response body for HttpChannelAuthorizer.ParseResponse; only
///                     ChannelAuthorizationException is a documented outcome.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        string target = args.Length > 0 ? args[0] : "frames";
        if (target == "auth")
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                byte[] body = ReadAll(stream);
                try
                {
                    ChannelAuthorization result = HttpChannelAuthorizer.ParseResponse(body, "private-fuzz");
                    if (string.IsNullOrEmpty(result.Auth))
                    {
                        throw new InvalidOperationException("ParseResponse returned an empty auth");
                    }
                }
                catch (ChannelAuthorizationException)
                {
                    // documented outcome
                }
            });
            return;
        }

        // Instrumented library code must not run before Fuzzer.OutOfProcess.Run has mapped AFL's shared memory,
        // so the target is built on the first input, inside the callback.
        FrameTarget? frames = null;
        Fuzzer.OutOfProcess.Run(stream => (frames ??= new FrameTarget()).Run(ReadAll(stream)));
    }

    /// <summary>Reads the whole input.</summary>
    public static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}

/// <summary>One client with bindings on a few channels; every input gets a fresh connection (fresh handshake state).</summary>
public sealed class FrameTarget
{
    private static readonly byte[] Established = """{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"}"""u8.ToArray();
    private readonly PusherClient _client;
    private Exception? _unexpected;
    private long _sink;

    public FrameTarget()
    {
        _client = new PusherClient(new PusherOptions("fuzz-key") { TimeProvider = new FrozenTime(), ReaderQueueCapacity = 8 });
        _client.Error += (_, e) =>
        {
            if (e is PusherHandlerException or PusherConnectionException)
            {
                _unexpected ??= e;
            }

            _sink += e.Message.Length;
        };
        foreach (string name in new[] { "news", "private-v1.users.685", "presence-room" })
        {
            PusherChannel channel = _client.Subscribe(name);
            channel.BindAll(Touch);
            channel.Bind("message", Touch);
            _ = Drain(channel.ReadAllAsync());
        }

        _client.BindGlobal(Touch);
    }

    public void Run(byte[] input)
    {
        _unexpected = null;
        var connection = new PusherConnection(_client, _client.Options);
        _client.AttachForRouting(connection);
        Feed(connection, Established);
        int start = 0;
        for (int i = 0; i <= input.Length; i++)
        {
            if (i == input.Length || input[i] == (byte)'\n')
            {
                if (i > start)
                {
                    // Odd-length messages also go through the multi-segment join path.
                    Feed(connection, input.AsMemory(start, i - start), segmented: ((i - start) & 1) == 1);
                }

                start = i + 1;
            }
        }

        connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_unexpected is { } e)
        {
            throw new InvalidOperationException("unexpected error reported: " + e, e);
        }
    }

    private static void Feed(PusherConnection connection, ReadOnlyMemory<byte> message, bool segmented = false)
    {
        ReadOnlySequence<byte> sequence = segmented && message.Length > 1 ? PusherWire.Tests.Shared.Segments.Split(message.ToArray(), (message.Length + 1) / 2) : new ReadOnlySequence<byte>(message);
        ValueTask pending = connection.ProcessMessage(sequence);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("routing did not complete synchronously with DropOldest readers");
        }
    }

    private void Touch(in PusherEvent e)
    {
        _sink += e.GetChannelName().Length + e.GetEventName().Length + e.GetDataString().Length + e.UserId.Length;
    }

    private static async Task Drain(IAsyncEnumerable<PusherMessage> messages)
    {
        await foreach (PusherMessage _ in messages)
        {
        }
    }

    /// <summary>A clock whose timers never fire: the keepalive must not run during fuzzing.</summary>
    private sealed class FrozenTime : TimeProvider
    {
        public override long GetTimestamp() => 0;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
