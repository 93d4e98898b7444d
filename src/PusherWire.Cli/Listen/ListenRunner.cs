using PusherWire.Authorization;
using PusherWire.Cli.Output;

namespace PusherWire.Cli.Listen;

/// <summary>Runs <c>listen</c>: one client, the requested channels, output until done, fatal, timeout or Ctrl+C.</summary>
internal static class ListenRunner
{
    public static async Task<int> RunAsync(ListenSettings settings, TextWriter stdout, Stream? rawStdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var output = new EventWriter(stdout, settings.Format, rawStdout);
        (HttpChannelAuthorizer authorizer, PusherOptions options) = ListenClientOptions.Create(settings);
        using (authorizer)
        {
            return await new Session(settings, output, options).RunAsync(stderr, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One listen session: the client, its handlers, and the outcome that ends it.</summary>
    private sealed class Session(ListenSettings settings, EventWriter output, PusherOptions options)
    {
        // The first outcome wins; after it only the final state changes are printed (no events beyond --count).
        private readonly TaskCompletionSource<int> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _fatalReason;
        private string? _lastServerError;
        private int _received;

        // Set once the client has failed for good: nothing it does afterwards (disposal) is printed.
        private volatile bool _silenced;

        private bool Decided => _outcome.Task.IsCompleted;

        public async Task<int> RunAsync(TextWriter stderr, CancellationToken cancellationToken)
        {
            await using var client = new PusherClient(options);
            // Buffered event records go out as soon as the client has caught up with the network.
            client.ReceiveIdle += (_, _) => output.FlushIdle();
            client.StateChanged += (_, change) =>
            {
                if (_silenced)
                {
                    return;
                }

                output.State(change.Previous, change.Current, change.Current == ConnectionState.Connected ? client.SocketId : null);
                if (change.Current == ConnectionState.Failed)
                {
                    _silenced = true;
                    Decide(ExitCodes.Fatal, _lastServerError ?? "the connection failed for good");
                }
            };
            client.Error += (_, error) =>
            {
                // Channel failures are reported once each, as subscription_error.
                if (!Decided && !_silenced && error is not ChannelAuthorizationException)
                {
                    if (error is PusherServerErrorException { Code: { } code } serverError)
                    {
                        _lastServerError = $"the server refused the connection ({code}: {serverError.ServerMessage})";
                    }

                    output.Error(error);
                }
            };

            // Channels whose refusal has been printed and that have not been subscribed since. The run is fatal only
            // once every channel is in it: deciding from the channels' states alone could end the run (and the output)
            // before the other channels' concurrent failure handlers had printed their subscription_error lines.
            var refused = new HashSet<string>(StringComparer.Ordinal);
            foreach (string name in settings.Channels)
            {
                PusherChannel channel;
                try
                {
                    channel = client.Subscribe(name);
                }
                catch (ArgumentException e)
                {
                    throw new CliArgumentException($"--channel: {e.Message}");
                }

                channel.Subscribed += (_, _) =>
                {
                    lock (refused)
                    {
                        refused.Remove(name);
                    }

                    if (!Decided)
                    {
                        output.Subscribed(name);
                    }
                };
                channel.SubscriptionFailed += (_, error) =>
                {
                    if (Decided)
                    {
                        return;
                    }

                    bool everyChannelRefused;
                    lock (refused)
                    {
                        output.SubscriptionError(name, error);
                        refused.Add(name);
                        // A channel that failed before a reconnect and is pending again does not count.
                        everyChannelRefused = refused.Count == client.Channels.Count && client.Channels.All(c => c.State == SubscriptionState.Failed);
                    }

                    if (everyChannelRefused)
                    {
                        Decide(ExitCodes.Fatal, "every channel was refused");
                    }
                };
            }

            using IDisposable binding = client.BindGlobal((in PusherEvent e) =>
            {
                if (Decided)
                {
                    return;
                }

                bool application = !e.EventName.StartsWith("pusher:"u8);
                int received = application ? Interlocked.Increment(ref _received) : Volatile.Read(ref _received);
                output.Event(e);
                if (application && received >= settings.Count)
                {
                    Decide(ExitCodes.Ok, null);
                }
            });

            using var timeout = new CancellationTokenSource(settings.Timeout ?? Timeout.InfiniteTimeSpan);
            using CancellationTokenRegistration onTimeout = timeout.Token.Register(() => Decide(ExitCodes.Timeout, null));
            using CancellationTokenRegistration onCancel = cancellationToken.Register(() => Decide(ExitCodes.Ok, null));

            // Called synchronously so the connection attempt has started before any outcome can disconnect.
            Task connecting = client.ConnectAsync(CancellationToken.None);
            int code = await _outcome.Task.ConfigureAwait(false);
            // Everything printed so far goes out before anything else is said (and again below, before the process ends).
            output.FlushIdle();
            switch (code)
            {
                case ExitCodes.Timeout:
                    await stderr.WriteLineAsync($"timeout: {Volatile.Read(ref _received)} event(s) within {settings.Timeout!.Value.TotalSeconds:0.###} s").ConfigureAwait(false);
                    break;
                case ExitCodes.Fatal:
                    await stderr.WriteLineAsync($"fatal: {_fatalReason}").ConfigureAwait(false);
                    break;
            }

            await client.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await connecting.ConfigureAwait(false);
            }
            catch (PusherException)
            {
                // Refused (reported as state 'failed' and an error record), or disconnected before it was made.
            }

            output.FlushIdle();
            return code;
        }

        private void Decide(int code, string? fatalReason)
        {
            if (fatalReason is not null)
            {
                Interlocked.CompareExchange(ref _fatalReason, fatalReason, null);
            }

            _outcome.TrySetResult(code);
        }
    }
}
