// One presence channel member: its user id and user_info (pusher-js members.ts `{id, info}`).
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PusherWire;

/// <summary>
/// A member of a presence channel: the <c>user_id</c> (always a string; numeric ids are given as their JSON text) and
/// the <c>user_info</c> the channel authorizer signed, as raw JSON. Immutable.
/// </summary>
public sealed class PusherMember : IEquatable<PusherMember>
{
    /// <summary>Creates a member.</summary>
    /// <param name="id">The user id.</param>
    /// <param name="infoJson">The <c>user_info</c> as JSON; null when there is none.</param>
    public PusherMember(string id, string? infoJson)
    {
        ArgumentNullException.ThrowIfNull(id);
        Id = id;
        InfoJson = infoJson;
    }

    /// <summary>The user id.</summary>
    public string Id { get; }

    /// <summary>The <c>user_info</c> as JSON text, or null when the member has none.</summary>
    public string? InfoJson { get; }

    /// <summary>The <c>user_info</c> as a <see cref="JsonElement"/>; <see cref="JsonValueKind.Undefined"/> when there is none.</summary>
    public JsonElement Info => InfoJson is null ? default : JsonDocument.Parse(InfoJson).RootElement.Clone();

    /// <summary>Deserializes <c>user_info</c> into <typeparamref name="T"/> (trim- and AOT-safe with a source-generated <paramref name="typeInfo"/>).</summary>
    /// <returns>The value, or default when the member has no <c>user_info</c>.</returns>
    /// <exception cref="JsonException">The info does not fit <typeparamref name="T"/>.</exception>
    public T? GetInfo<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return InfoJson is null ? default : JsonSerializer.Deserialize(InfoJson, typeInfo);
    }

    /// <inheritdoc />
    public bool Equals(PusherMember? other) =>
        other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal) && string.Equals(InfoJson, other.InfoJson, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PusherMember);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, InfoJson);

    /// <inheritdoc />
    public override string ToString() => $"PusherMember {{ Id = {LogSanitizer.Clean(Id)} }}";
}
