// Connects the registered PusherClient when the host starts and disconnects it when the host stops.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PusherWire.Extensions.Hosting;

/// <summary>
/// On start: subscribes <see cref="PusherWireSettings.Channels"/> and starts connecting (waiting for the connection only
/// with <see cref="PusherWireSettings.WaitForConnectionOnStart"/>); failures to connect are logged and retried by the
/// client, never thrown into the host. On stop: disconnects within the host's shutdown timeout.
/// </summary>
public sealed class PusherWireHostedService : IHostedService
{
    private readonly PusherClient _client;
    private readonly PusherWireSettings _settings;
    private readonly ILogger _logger;

    /// <summary>Created by the container.</summary>
    public PusherWireHostedService(PusherClient client, PusherWireSettings settings, ILoggerFactory? loggerFactory = null)
    {
        _client = client;
        _settings = settings;
        _logger = loggerFactory?.CreateLogger(PusherWireLog.Category) ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string channel in _settings.Channels)
        {
            _client.Subscribe(channel);
        }

        PusherWireLog.Starting(_logger, _client.Options.Host, _client.Channels.Count);
        Task connecting = _client.ConnectAsync(CancellationToken.None);
        if (_settings.WaitForConnectionOnStart)
        {
            await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // A refusal (state Failed) is already logged by the client's StateChanged/Error events; observe it here.
        _ = connecting.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            PusherWireLog.StopTimedOut(_logger);
        }
    }
}
