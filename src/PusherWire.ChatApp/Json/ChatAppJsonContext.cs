using System.Text.Json.Serialization;

namespace PusherWire.ChatApp.Json;

/// <summary>The wire envelope of every ChatApp event: <c>{"payload":{"data":[...],"meta":{...}}}</c>.</summary>
internal sealed class ChatAppEnvelope<TItem, TMeta>
    where TItem : class
    where TMeta : ChatAppMeta
{
    public ChatAppPayload<TItem, TMeta>? Payload { get; set; }
}

/// <summary>The <c>payload</c> object; both members are checked for null after deserialization.</summary>
internal sealed class ChatAppPayload<TItem, TMeta>
    where TItem : class
    where TMeta : ChatAppMeta
{
    public List<TItem>? Data { get; set; }

    public TMeta? Meta { get; set; }
}

/// <summary>
/// Source-generated metadata for every ChatApp event envelope: no reflection, trim- and AOT-safe.
/// Unknown JSON members are skipped (the default); property names are camelCase as ChatApp sends them.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChatAppEnvelope<MessageItem, LicenseMessengerMeta>), TypeInfoPropertyName = "MessageEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<MessageStatusItem, LicenseMessengerMeta>), TypeInfoPropertyName = "MessageStatusEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatTagItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatTagEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatStatusItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatStatusEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatResponsibleItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatResponsibleEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatResponsiblePinItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatResponsiblePinEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatProducerItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatProducerEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatAccompliceItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatAccompliceEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatAuditorItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatAuditorEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatLevelItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatLevelEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatConversationItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatConversationEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatReadItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatReadEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<ChatProcessItem, LicenseMessengerMeta>), TypeInfoPropertyName = "ChatProcessEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<EmployeeStatusItem, CompanyMeta>), TypeInfoPropertyName = "EmployeeStatusEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<EmployeeWorkdayItem, CompanyMeta>), TypeInfoPropertyName = "EmployeeWorkdayEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<QuickResponseListItem, UserMeta>), TypeInfoPropertyName = "QuickResponseListEnvelope")]
[JsonSerializable(typeof(ChatAppEnvelope<QuickResponseItem, UserMeta>), TypeInfoPropertyName = "QuickResponseEnvelope")]
internal sealed partial class ChatAppJsonContext : JsonSerializerContext;
