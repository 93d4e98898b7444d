using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PusherWire.LoadRunners;

/// <summary>Helpers for load payloads.</summary>
public static class LoadPayload
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>
    /// Rewrites JSON without insignificant whitespace, escaping like real servers (quotes as <c>\"</c>, non-ASCII as
    /// UTF-8): pretty-printed samples become the compact text a server actually sends.
    /// </summary>
    public static string Minify(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
