// Source-generated System.Text.Json metadata for the few values the test server serializes (keeps it trim/AOT-safe).
using System.Text.Json.Serialization;

namespace PusherWire.Testing;

/// <summary>Serializer metadata for the test server: no reflection, so the NativeAOT CLI can embed the server.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TestingJsonContext : JsonSerializerContext;
