using System.Text.Json;

namespace PusherWire.Cli.Demo;

/// <summary>The 20 sample events of ChatApp's WebSocket documentation (all 17 event types), shipped as demo data.</summary>
internal static class ChatAppSamples
{
    private static readonly Lazy<IReadOnlyList<Sample>> Cache = new(Load);

    /// <summary>Every sample, in the documentation's order.</summary>
    public static IReadOnlyList<Sample> All => Cache.Value;

    private static List<Sample> Load()
    {
        using Stream stream = typeof(ChatAppSamples).Assembly.GetManifestResourceStream("chatapp-samples.json")
            ?? throw new InvalidOperationException("The embedded chatapp-samples.json is missing.");
        using JsonDocument document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray()
            .Select(e => new Sample(
                e.GetProperty("event").GetString()!,
                Enum.Parse<ChannelKind>(e.GetProperty("channelKind").GetString()!, ignoreCase: true),
                e.GetProperty("description").GetString()!,
                e.GetProperty("payload").GetRawText()))
            .ToList();
    }

    /// <summary>Which of the three ChatApp channel kinds an event is published on.</summary>
    public enum ChannelKind
    {
        /// <summary><c>private-v1.licenses.{license}.messengers.{type}</c></summary>
        LicenseMessenger,

        /// <summary><c>private-v1.companies.{id}</c></summary>
        Company,

        /// <summary><c>private-v1.users.{id}</c></summary>
        User,
    }

    /// <summary>One sample.</summary>
    /// <param name="EventName">The Pusher event name.</param>
    /// <param name="Kind">The channel kind it belongs to.</param>
    /// <param name="Description">The documentation's caption.</param>
    /// <param name="PayloadJson">The event data as JSON.</param>
    public sealed record Sample(string EventName, ChannelKind Kind, string Description, string PayloadJson);
}
