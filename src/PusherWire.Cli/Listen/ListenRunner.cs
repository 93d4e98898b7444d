using PusherWire.Authorization;
using PusherWire.Cli.Output;

namespace PusherWire.Cli.Listen;

/// <summary>Runs <c>listen</c>: one client, the requested channels, output until done, fatal, timeout or Ctrl+C.</summary>
internal static class ListenRunner
{
    public static async Task<int> RunAsync(ListenSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var output = new EventWriter(stdout, settings.Format);
        using var authorizer = new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(settings.AuthEndpoint)
        {
            Headers = settings.Headers,
            AuthorizationProvider = settings.Token is { } token ? _ => ValueTask.FromResult(token) : null,
            AllowInsecureEndpoint = !settings.UseTls,
        });
        var options = new PusherOptions(settings.Key)
        {
            Host = settings.Host,
            Port = settings.Port,
            Path = settings.Path,
            UseTls = settings.UseTls,
            AllowInsecureTransport = !settings.UseTls,
            Authorizer = authorizer,
        };
        options = options with
        {
            ActivityTimeout = settings.ActivityTimeout ?? options.ActivityTimeout,
            PongTimeout = settings.PongTimeout ?? options.PongTimeout,
        };

        // The outcome is decided by whichever comes first; later outcomes are ignored.
        var outcome = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new PusherClient(options);
        client.StateChanged += (_, change) =>
        {
            output.State(change.Previous, change.Current, change.Current == ConnectionState.Connected ? client.SocketId : null);
            if (change.Current == ConnectionState.Failed)
            {
                outcome.TrySetResult(ExitCodes.Fatal);
            }
        };
        client.Error += (_, error) =>
        {
            if (error is not ChannelAuthorizationException)
            {
                output.Error(error); // channel failures are reported once, as subscription_error
            }
        };

        int refused = 0;
        foreach (string name in settings.Channels)
        {
            PusherChannel channel = client.Subscribe(name);
            channel.Subscribed += (_, _) => output.Subscribed(name);
            channel.SubscriptionFailed += (_, error) =>
            {
                output.SubscriptionError(name, error);
                if (Interlocked.Increment(ref refused) == settings.Channels.Count && client.Channels.All(c => !c.IsSubscribed))
                {
                    outcome.TrySetResult(ExitCodes.Fatal);
                }
            };
        }

        int received = 0;
        client.BindGlobal((in PusherEvent e) =>
        {
            output.Event(e);
            if (settings.Count is { } limit && Interlocked.Increment(ref received) >= limit)
            {
                outcome.TrySetResult(ExitCodes.Ok);
            }
        });

        using var timeout = settings.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using CancellationTokenRegistration onTimeout = timeout.Token.Register(() => outcome.TrySetResult(ExitCodes.Timeout));
        using CancellationTokenRegistration onCancel = cancellationToken.Register(() => outcome.TrySetResult(ExitCodes.Ok));

        _ = ConnectAsync(client, outcome, stderr);
        int code = await outcome.Task.ConfigureAwait(false);
        if (code == ExitCodes.Timeout)
        {
            await stderr.WriteLineAsync($"timeout: {received} event(s) within {settings.Timeout!.Value.TotalSeconds:0.###} s").ConfigureAwait(false);
        }

        await client.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        return code;
    }

    private static async Task ConnectAsync(PusherClient client, TaskCompletionSource<int> outcome, TextWriter stderr)
    {
        try
        {
            await client.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (PusherException e) when (!outcome.Task.IsCompleted)
        {
            // Also reported as state 'failed' and an error record on stdout.
            await stderr.WriteLineAsync($"fatal: {e.Message}").ConfigureAwait(false);
            outcome.TrySetResult(ExitCodes.Fatal);
        }
        catch (PusherException)
        {
            // Disconnected on purpose (count, timeout, Ctrl+C) before the connection was made.
        }
    }
}
