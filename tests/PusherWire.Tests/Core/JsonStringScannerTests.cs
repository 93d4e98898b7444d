using System.Text;
using System.Text.Json;
using PusherWire.Internal;

namespace PusherWire.Tests.Core;

/// <summary>
/// The data-string fast path against Utf8JsonReader + CopyString, the reference it replaces: whenever the scanner says
/// yes, the reader must accept the same string and produce the same bytes; whenever it says no, the parser falls back
/// to the reader, so whole frames must come out identical either way.
/// </summary>
public class JsonStringScannerTests
{
    private static readonly string[] Plain = ["a", "Z", "0", " ", "{", "}", ":", ",", "é", "Привет", "😀"];

    private static readonly string[] Escapes =
    [
        "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
        "\\u0041", "\\u00e9", "\\u041f", "\\u0000", "\\ud83d\\ude00", "\\uD83D\\uDE00",
        // \u00XX as System.Text.Json's default encoder writes ASCII (the one-byte fast path) and just past ASCII (not it)
        "\\u0022", "\\u002B", "\\u003c", "\\u007F", "\\u007f", "\\u0080", "\\u00FF", "\\u001F",
    ];

    // What must be declined (or rejected by the reader too).
    private static readonly string[] Declined =
        ["\\ud800", "\\udc00", "\\ud83dx", "\\u12", "\\uZZZZ", "\\u00G1", "\\u000", "\\x", "\\", "\t", "\u0001", "\u001f", "\""];

    private static readonly byte[][] InvalidUtf8 = [[0x85], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xFF], [0xC0, 0xAF]];

    [Test]
    public void RandomStrings_AcceptedOnlyWhenTheReaderAgrees_WithIdenticalBytes()
    {
        var random = new Random(20261125);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++)
        {
            byte[] body = RandomBody(random);
            if (FastPathMatchesTheReader(body))
            {
                accepted++;
            }
        }

        Assert.That(accepted, Is.GreaterThan(5_000), "the fast path must take the common cases, not decline everything");
    }

    [Test]
    public void JsonInsideAString_DenseQuoteEscapes_UnescapeLikeTheReader_AcrossChunkBoundaries()
    {
        // What Pusher's data looks like: \" every few bytes, now and then \\ (runs of them too), \/ and the escapes the
        // 16-byte shuffle leaves to the byte-at-a-time path, at every offset relative to the chunks.
        string[] common = ["\\\"", "\\\"", "\\\"", "\\\\", "\\\\\\\\", "\\/", "a", "bc", "def", "0123456", ":", ",", "{", "}"];
        string[] rare = ["\\n", "\\t", "\\u0022", "\\u041f", "é", "\\\\\\\"", "\\x", "\t", "\""];
        var random = new Random(1202);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++)
        {
            var text = new StringBuilder();
            int pieces = random.Next(0, 120);
            for (int i = 0; i < pieces; i++)
            {
                text.Append(random.Next(40) == 0 ? rare[random.Next(rare.Length)] : common[random.Next(common.Length)]);
            }

            byte[] body = Encoding.UTF8.GetBytes(text.ToString());
            if (FastPathMatchesTheReader(body))
            {
                accepted++;
            }
            else
            {
                Assert.That(text.ToString(), Does.Contain("\\x").Or.Contain("\t"),
                    () => "declined a string with nothing to decline: " + Describe(body));
            }
        }

        Assert.That(accepted, Is.GreaterThan(10_000));
    }

    [TestCase("""{\"a\":1,\"t\":\"x\\\"y\"}""")]
    [TestCase("plain")]
    [TestCase("""\u041f\u0440\u0438 \ud83d\ude00 \/ \b\f\n\r\t""")]
    [TestCase("")]
    public void CommonStrings_TakeTheFastPath(string body)
    {
        byte[] message = Encoding.UTF8.GetBytes($$"""{"event":"e","data":"{{body}}","channel":"c"}""");
        int quote = message.AsSpan().IndexOf("\"data\":\""u8) + 7;

        Assert.That(JsonStringScanner.TryUnescape(message, quote, new byte[message.Length], out _, out _), Is.True);
    }

    [Test]
    public void WholeFrames_ParseTheSameAsTheReaderAlone_ForRandomDataAndFieldOrders()
    {
        var random = new Random(7);
        for (int n = 0; n < 5_000; n++)
        {
            // Whole frames only ever hold valid UTF-8: the socket validates text messages and binary ones never reach
            // the parser. (Invalid UTF-8 is covered at the string level above: the scanner declines it.)
            byte[] body = RandomBody(random, allowInvalidUtf8: false);
            string[] order = random.Next(3) switch
            {
                0 => ["event", "data", "channel"],
                1 => ["data", "event", "channel"],
                _ => ["channel", "event", "data"],
            };
            var parts = new List<byte[]>();
            foreach (string field in order)
            {
                parts.Add(field switch
                {
                    "event" => """ "event" : "e" """u8.ToArray(),
                    "channel" => "\"channel\":\"private-c\\u0031\" "u8.ToArray(),
                    _ => [.. "\"data\":\t\""u8, .. body, .. "\""u8],
                });
            }

            byte[] message = [.. "{"u8, .. Join(parts), .. "}"u8];
            var scratch = new byte[message.Length];
            bool parsed = FrameParser.TryParse(message, scratch, out ParsedFrame frame, out _);
            (bool valid, byte[] expected, _) = Reference(message);

            Assert.That(parsed, Is.EqualTo(valid), () => Describe(body));
            if (parsed)
            {
                Assert.That(frame.Data.ToArray(), Is.EqualTo(expected), () => Describe(body));
                Assert.That(Encoding.UTF8.GetString(frame.Channel), Is.EqualTo("private-c1"));
                Assert.That(Encoding.UTF8.GetString(frame.EventName), Is.EqualTo("e"));
            }
        }
    }

    [Test]
    public void TrailingGarbageAfterAScannedDataString_IsStillRejected()
    {
        Assert.That(FrameParser.TryParse("""{"event":"e","data":"x\"y"} {"""u8, new byte[64], out _, out string? error), Is.False);
        Assert.That(error, Does.Contain("single complete JSON object").Or.Contain("not valid JSON"));
        Assert.That(FrameParser.TryParse("""{"event":"e","data":"x\"y" "z"}"""u8, new byte[64], out _, out _), Is.False, "a missing comma");
    }

    /// <summary>
    /// The reader alone: the data string's unescaped bytes and where it ends, and whether the string (<paramref name="stringOnly"/>)
    /// or the whole message is valid.
    /// </summary>
    private static (bool Valid, byte[] Bytes, int End) Reference(byte[] message, bool stringOnly = false)
    {
        try
        {
            var reader = new Utf8JsonReader(message);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("data"u8);
                reader.Read();
                if (isData)
                {
                    var bytes = new byte[message.Length];
                    int written = reader.CopyString(bytes);
                    int end = (int)reader.BytesConsumed;
                    if (stringOnly)
                    {
                        return (true, bytes[..written], end);
                    }

                    reader.Skip();
                    while (reader.Read())
                    {
                    }

                    return (true, bytes[..written], end);
                }

                reader.Skip();
            }

            return (false, [], 0);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (false, [], 0);
        }
    }

    /// <summary>Runs the scanner on <paramref name="body"/> as a data string; when it accepts, the bytes and the end
    /// must be the reader's. Returns whether it accepted.</summary>
    private static bool FastPathMatchesTheReader(byte[] body)
    {
        byte[] message = [.. "{\"event\":\"e\",\"data\":\""u8, .. body, .. "\"}"u8];
        int quote = message.AsSpan().IndexOf("\"data\":\""u8) + 7;
        var destination = new byte[message.Length];

        bool fast = JsonStringScanner.TryUnescape(message, quote, destination, out int written, out int end);
        (bool valid, byte[] expected, int expectedEnd) = Reference(message, stringOnly: true);
        if (fast)
        {
            Assert.That(valid, Is.True, () => "accepted what the reader rejects: " + Describe(body));
            Assert.That(destination[..written], Is.EqualTo(expected), () => Describe(body));
            Assert.That(end, Is.EqualTo(expectedEnd), () => Describe(body));
        }

        return fast;
    }

    private static byte[] RandomBody(Random random, bool allowInvalidUtf8 = true)
    {
        var body = new List<byte>();
        int pieces = random.Next(0, 40);
        for (int i = 0; i < pieces; i++)
        {
            int roll = random.Next(100);
            if (roll < 2 && allowInvalidUtf8)
            {
                body.AddRange(InvalidUtf8[random.Next(InvalidUtf8.Length)]);
            }
            else if (roll < 70)
            {
                body.AddRange(Encoding.UTF8.GetBytes(Plain[random.Next(Plain.Length)]));
            }
            else if (roll < 95)
            {
                body.AddRange(Encoding.UTF8.GetBytes(Escapes[random.Next(Escapes.Length)]));
            }
            else
            {
                body.AddRange(Encoding.UTF8.GetBytes(Declined[random.Next(Declined.Length)]));
            }
        }

        if (random.Next(50) == 0 && body.Count > 0 && allowInvalidUtf8)
        {
            body.RemoveAt(body.Count - 1); // truncations split escapes and multi-byte characters
        }

        return [.. body];
    }

    private static byte[] Join(List<byte[]> parts)
    {
        var all = new List<byte>();
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                all.Add((byte)',');
            }

            all.AddRange(parts[i]);
        }

        return [.. all];
    }

    private static string Describe(byte[] body) => Convert.ToHexString(body) + " = " + Encoding.UTF8.GetString(body);
}
