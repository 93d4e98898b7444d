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
        private volatile bool _connectedOnce;

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
                if (change.Current == ConnectionState.Connected)
                {
                    _connectedOnce = true;
                }

                if (change.Current == ConnectionState.Failed)
                {
                    _silenced = true;
                    Decide(ExitCodes.Fatal, _lastServerError ?? "the connection failed for good");
                }
            };
            client.Error += (_, error) =>
            {
                // Channel failures are reported once each, as subscription_error.
                if (!Decided && !_silenced && error is not (ChannelAuthorizationException or PusherSubscriptionException or PusherSignInException))
                {
                    if (error is PusherServerErrorException { Code: { } code } serverError)
                    {
                        _lastServerError = $"the server refused the connection ({code}: {serverError.ServerMessage})";
                    }

                    output.Error(error);
                    if (!_connectedOnce && FirstConnectFailure.Describe(error, settings) is { } unreachable)
                    {
                        // Never connected and the host is unknown or refuses: retrying until --timeout only hides a typo.
                        // After a first success the client keeps reconnecting, as it should for a server that restarts.
                        _silenced = true;
                        Decide(ExitCodes.Fatal, unreachable);
                    }
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

                channel.BindAll(OnEvent); // only the channels we asked for (pusher-js delivers the rest to global handlers only)
                if (channel.Members is { } members)
                {
                    channel.RosterChanged += (_, _) => Print(() => output.Members(name, members));
                    channel.MemberAdded += (_, e) => Print(() => output.MemberAdded(name, e.Member));
                    channel.MemberRemoved += (_, e) => Print(() => output.MemberRemoved(name, e.Member));
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
                        everyChannelRefused = settings.UserAuthEndpoint is null && refused.Count == client.Channels.Count && client.Channels.All(c => c.State == SubscriptionState.Failed);
                    }

                    if (everyChannelRefused)
                    {
                        Decide(ExitCodes.Fatal, "every channel was refused");
                    }
                };
            }

            if (settings.UserAuthEndpoint is not null)
            {
                PusherUser user = client.SignIn();
                user.BindAll(OnEvent); // #server-to-user-{id}: counted by --count like channel events
                user.SignedIn += (_, _) => Print(() => output.SignedIn(user.Id ?? ""));
                user.WatchlistEvent += (_, e) => Print(() => output.Watchlist(e));
                user.SignInFailed += (_, error) =>
                {
                    Print(() => output.Error(error));
                    if (settings.Channels.Count == 0)
                    {
                        Decide(ExitCodes.Fatal, "the sign-in failed and nothing else is subscribed");
                    }
                };
            }

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

        /// <summary>One application or pusher: event of a channel we subscribed or of the signed-in user.</summary>
        private void OnEvent(in PusherEvent e)
        {
            // Roster and subscription bookkeeping have records of their own (members, subscribed).
            if (Decided || e.EventName.SequenceEqual("pusher:subscription_succeeded"u8) || e.EventName.SequenceEqual("pusher:subscription_count"u8) ||
                e.EventName.SequenceEqual("pusher:member_added"u8) || e.EventName.SequenceEqual("pusher:member_removed"u8))
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
        }

        private void Print(Action write)
        {
            if (!Decided && !_silenced)
            {
                write();
            }
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
