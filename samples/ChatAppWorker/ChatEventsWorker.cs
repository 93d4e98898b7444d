// A BackgroundService that reads ChatApp events from the DI-registered PusherClient and handles them by type.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PusherWire;
using PusherWire.ChatApp;

namespace ChatAppWorker;

/// <summary>Logs each typed ChatApp event; a real worker would store or forward them.</summary>
public sealed partial class ChatEventsWorker(PusherClient client, ILogger<ChatEventsWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Channels come from configuration (ChatApp:Channels) and are subscribed by the hosted service; this reads them all.
        await foreach (ChatAppEvent e in client.ReadChatAppEventsAsync(stoppingToken))
        {
            switch (e)
            {
                case MessageEvent m:
                    LogMessage(logger, e.Channel, m.Items.Count, m.Items[0].Message?.Text);
                    break;
                case EmployeeStatusEvent s:
                    LogEmployee(logger, s.Items[0].Employee?.Id, s.Items[0].Type);
                    break;
                default:
                    LogOther(logger, e.EventName, e.Channel);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "message on {Channel}: {Count} item(s), first text {Text}")]
    private static partial void LogMessage(ILogger logger, string channel, int count, string? text);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "employee {Employee} is {Status}")]
    private static partial void LogEmployee(ILogger logger, long? employee, string? status);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "{EventName} on {Channel}")]
    private static partial void LogOther(ILogger logger, string eventName, string channel);
}
