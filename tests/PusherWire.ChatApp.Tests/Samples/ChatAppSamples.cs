using System.Text;
using System.Text.Json;

namespace PusherWire.ChatApp.Tests.Samples;

/// <summary>The 20 JSON samples of ChatApp's WebSocket documentation, in its order.</summary>
internal static class ChatAppSamples
{
    public const string LicenseChannel = "private-v1.licenses.1229.messengers.telegram";
    public const string CompanyChannel = "private-v1.companies.2226";
    public const string UserChannel = "private-v1.users.685";

    private static readonly Lazy<IReadOnlyList<Sample>> Cache = new(Load);

    public static IReadOnlyList<Sample> All => Cache.Value;

    /// <summary>The <paramref name="index"/>-th sample of <paramref name="eventName"/> (0 = first in the document).</summary>
    public static Sample Get(string eventName, int index = 0) => All.Where(s => s.EventName == eventName).ElementAt(index);

    /// <summary>Deserializes a sample through the public entry point, on the channel of its kind.</summary>
    public static TEvent Parse<TEvent>(string eventName, int index = 0)
        where TEvent : ChatAppEvent
    {
        Sample sample = Get(eventName, index);
        ChatAppEvent e = ChatAppEventSerializer.Deserialize(Encoding.UTF8.GetBytes(eventName), sample.Data, sample.Channel);
        Assert.That(e, Is.TypeOf<TEvent>());
        Assert.That((e.EventName, e.Channel), Is.EqualTo((eventName, sample.Channel)));
        return (TEvent)e;
    }

    private static List<Sample> Load()
    {
        using Stream stream = typeof(ChatAppSamples).Assembly.GetManifestResourceStream("chatapp-samples.json")
            ?? throw new InvalidOperationException("chatapp-samples.json is not embedded.");
        using JsonDocument document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray().Select(e =>
        {
            string kind = e.GetProperty("channelKind").GetString()!;
            return new Sample(
                e.GetProperty("event").GetString()!,
                kind,
                e.GetProperty("description").GetString()!,
                kind switch { "licenseMessenger" => LicenseChannel, "company" => CompanyChannel, _ => UserChannel },
                Encoding.UTF8.GetBytes(e.GetProperty("payload").GetRawText()));
        }).ToList();
    }

    internal sealed record Sample(string EventName, string Kind, string Description, string Channel, byte[] Data)
    {
        public string Json => Encoding.UTF8.GetString(Data);

        public override string ToString() => $"{EventName} ({Description})";
    }
}
