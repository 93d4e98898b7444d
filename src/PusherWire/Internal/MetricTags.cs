// The per-client tag values every PusherWire measurement carries, built once so recording allocates nothing.
using System.Diagnostics;

namespace PusherWire.Internal;

/// <summary>Server address and port (boxed once here, not per measurement) and the channel-name opt-in.</summary>
internal sealed class MetricTags
{
    public MetricTags(PusherOptions options)
    {
        Address = options.Host;
        Port = options.Port ?? (options.UseTls ? 443 : 80);
        IncludeChannelName = options.MetricsIncludeChannelName;
        ServerTags = [new("server.address", Address), new("server.port", Port)];
    }

    public string Address { get; }

    public object Port { get; }

    public bool IncludeChannelName { get; }

    public KeyValuePair<string, object?>[] ServerTags { get; }

    /// <summary>Server tags plus the channel type (and name, when opted in); TagList keeps up to 8 tags inline.</summary>
    public TagList ForChannel(PusherChannel? channel)
    {
        var tags = new TagList { { "server.address", Address }, { "server.port", Port } };
        tags.Add("pusher.channel.type", channel is null ? "none" : PusherMetrics.ChannelTypeName(channel.Type));
        if (IncludeChannelName && channel is not null)
        {
            tags.Add("pusher.channel", channel.Name);
        }

        return tags;
    }
}
