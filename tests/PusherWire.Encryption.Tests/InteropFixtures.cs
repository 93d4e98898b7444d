// Loads Fixtures/interop.json: known answers produced by tweetnacl 1.0.3, pusher 5.3.4 and pusher-js 8.6.0.
using System.Text.Json;

namespace PusherWire.Encryption.Tests;

public sealed record SecretboxVector(string Key, string Nonce, string Plaintext, string Ciphertext)
{
    public override string ToString() => $"{Plaintext.Length} chars";
}

public sealed record SharedSecretVector(string Channel, string SocketId, string Auth, string SharedSecret)
{
    public override string ToString() => Channel;
}

public sealed record TriggerVector(string Channel, string Event, string Data, string Plaintext, bool PusherJsDecrypted)
{
    public override string ToString() => $"{Channel} {Plaintext[..Math.Min(20, Plaintext.Length)]}";
}

public sealed record InteropFile(string MasterKeyBase64, SecretboxVector[] Secretbox, SharedSecretVector[] SharedSecrets, TriggerVector[] Triggers);

internal static class InteropFixtures
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<InteropFile> File = new(() => JsonSerializer.Deserialize<InteropFile>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "interop.json")), Web)!);

    public static InteropFile Data => File.Value;

    public static IEnumerable<SecretboxVector> Secretbox => Data.Secretbox;

    public static IEnumerable<SharedSecretVector> SharedSecrets => Data.SharedSecrets;

    public static IEnumerable<TriggerVector> Triggers => Data.Triggers;
}
