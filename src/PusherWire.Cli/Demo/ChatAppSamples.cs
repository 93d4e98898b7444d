using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
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
                Compact(e.GetProperty("payload")),
                MessengerTypeOf(e.GetProperty("payload"))))
            .ToList();
    }

    private static string? MessengerTypeOf(JsonElement payload) =>
        payload.TryGetProperty("payload", out JsonElement inner)
        && inner.TryGetProperty("meta", out JsonElement meta)
        && meta.TryGetProperty("messengerType", out JsonElement type)
        && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    /// <summary>The JSON without the file's indentation: real servers send compact JSON.</summary>
    private static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
    /// <param name="PayloadJson">The event data as compact JSON (one line).</param>
    /// <param name="MessengerType">The <c>meta.messengerType</c> of a license-messenger sample, if any.</param>
    public sealed record Sample(string EventName, ChannelKind Kind, string Description, string PayloadJson, string? MessengerType);
}
