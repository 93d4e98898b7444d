using System.Text;
using System.Text.Json;
using PusherWire.Internal;

namespace PusherWire.Tests.Core;

/// <summary>FrameParser's own unescape must produce exactly what Utf8JsonReader.CopyString produces.</summary>
public class FrameParserUnescapeTests
{
    private static readonly string[] Pieces =
    [
        "a", "xyz", "0123456789abcdef", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "é", "✓", "😀", "Привет", "{\"k\":\"v\"}", " ",
    ];

    [TestCase("")]
    [TestCase("plain text without escapes, longer than sixteen bytes")]
    [TestCase("\"")]
    [TestCase("\\\\\\\\")]
    [TestCase("{\"payload\":{\"data\":[{\"id\":696,\"fromMe\":false,\"message\":{\"text\":\"Test\"}}]}}")]
    [TestCase("ends with an escape\"")]
    [TestCase("\"starts with an escape")]
    [TestCase("tabs\tand\nnewlines\r\nand / slashes and \b \f")]
    [TestCase("raw UTF-8 ✓ Привет 😀 next to escapes \"✓\"")]
    public void MatchesCopyString(string text) => AssertSameAsCopyString(JsonSerializer.Serialize(text));

    [Test]
    public void EscapedSolidus_AndUnicodeEscapes_MatchCopyString()
    {
        AssertSameAsCopyString("\"a\\/b\"");
        AssertSameAsCopyString("\"before \\u041f\\u0440 after\"");
        AssertSameAsCopyString("\"0123456789abcdef0123456789 \\ud83d\\ude00 \\\" tail\"");
    }

    [Test]
    public void RandomMixes_MatchCopyString()
    {
        var random = new Random(20261125);
        for (int i = 0; i < 2_000; i++)
        {
            var text = new StringBuilder();
            int parts = random.Next(0, 40);
            for (int p = 0; p < parts; p++)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            // Both escaping styles real servers use: minimal (relaxed) and everything non-ASCII as \uXXXX.
            AssertSameAsCopyString(JsonSerializer.Serialize(text.ToString(), RelaxedOptions));
            AssertSameAsCopyString(JsonSerializer.Serialize(text.ToString()));
        }
    }

    [Test]
    public void TheScanner_DecodesUnicodeEscapesItself_AndDeclinesLoneSurrogates()
    {
        byte[] destination = new byte[64];
        Assert.That(PusherWire.Internal.JsonStringScanner.TryUnescape("\"a\\\"b\\u0041\\ud83d\\ude00\""u8, 0, destination, out int written, out int end), Is.True);
        Assert.That(Encoding.UTF8.GetString(destination, 0, written), Is.EqualTo("a\"bA😀"));
        Assert.That(end, Is.EqualTo(24), "just past the closing quote of the 24-byte literal");
        Assert.That(PusherWire.Internal.JsonStringScanner.TryUnescape("\"\\ud800\""u8, 0, destination, out _, out _), Is.False, "left to CopyString, which throws");
    }

    private static readonly JsonSerializerOptions RelaxedOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void AssertSameAsCopyString(string jsonString)
    {
        byte[] json = Encoding.UTF8.GetBytes(jsonString);
        var reader = new Utf8JsonReader(json);
        Assert.That(reader.Read(), Is.True);
        byte[] expected = new byte[json.Length];
        int expectedLength = reader.CopyString(expected);

        // The frame parser's path: the whole frame around the string, as it arrives.
        byte[] frame = Encoding.UTF8.GetBytes($$"""{"event":"e","channel":"c","data":{{jsonString}}}""");
        byte[] scratch = new byte[frame.Length];
        Assert.That(FrameParser.TryParse(frame, scratch, out ParsedFrame parsed, out string? error), Is.True, error);
        Assert.That(parsed.Data.ToArray(), Is.EqualTo(expected.AsSpan(0, expectedLength).ToArray()), jsonString);
    }
}
