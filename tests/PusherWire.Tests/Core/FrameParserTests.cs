using System.Text;
using PusherWire.Internal;

namespace PusherWire.Tests.Core;

public class FrameParserTests
{
    private static (bool Ok, string Event, string Channel, string Data, string UserId, string? Error) Parse(string json)
    {
        byte[] message = Encoding.UTF8.GetBytes(json);
        byte[] scratch = new byte[message.Length];
        bool ok = FrameParser.TryParse(message, scratch, out ParsedFrame f, out string? error);
        return (ok, Encoding.UTF8.GetString(f.EventName), Encoding.UTF8.GetString(f.Channel), Encoding.UTF8.GetString(f.Data), Encoding.UTF8.GetString(f.UserId), error);
    }

    [Test]
    public void DataSentAsJsonString_IsUnescapedToTheJsonText()
    {
        var r = Parse("""{"event":"message","channel":"private-v1.users.685","data":"{\"payload\":{\"data\":[{\"id\":696}]}}"}""");
        Assert.Multiple(() =>
        {
            Assert.That(r.Ok, Is.True);
            Assert.That(r.Event, Is.EqualTo("message"));
            Assert.That(r.Channel, Is.EqualTo("private-v1.users.685"));
            Assert.That(r.Data, Is.EqualTo("""{"payload":{"data":[{"id":696}]}}"""));
        });
    }

    [Test]
    public void DataSentAsObject_IsTheRawObjectJson()
    {
        var r = Parse("""{"event":"e","data":{"a":[1,2,{"b":"c"}]},"channel":"c"}""");
        Assert.That(r.Data, Is.EqualTo("""{"a":[1,2,{"b":"c"}]}"""));
        Assert.That(r.Channel, Is.EqualTo("c"), "fields after data are still read");
    }

    [TestCase("""{"event":"e","data":42}""", "42")]
    [TestCase("""{"event":"e","data":true}""", "true")]
    [TestCase("""{"event":"e","data":null}""", "")]
    [TestCase("""{"event":"e"}""", "")]
    [TestCase("""{"event":"e","data":[1,"x"]}""", """[1,"x"]""")]
    public void OtherDataValues(string json, string expected) => Assert.That(Parse(json).Data, Is.EqualTo(expected));

    [Test]
    public void UnicodeEscapes_IncludingSurrogatePairs_DecodeToUtf8()
    {
        // "Привет 😀" written with \u escapes inside the data string, and a surrogate pair for the emoji.
        var r = Parse("""{"event":"message","data":"{\"text\":\"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442 \\ud83d\\ude00\"}"}""");
        // Two levels of escaping: the inner JSON keeps its own \u escapes, exactly as the server wrote them.
        Assert.That(r.Data, Is.EqualTo("""{"text":"\u041f\u0440\u0438\u0432\u0435\u0442 \ud83d\ude00"}"""));

        // One level: the outer string's escapes, surrogate pair included, become raw UTF-8.
        var single = Parse("""{"event":"message","data":"{\"text\":\"\u041f\u0440\u0438\u0432\u0435\u0442 \ud83d\ude00\"}"}""");
        Assert.That(single.Data, Is.EqualTo("{\"text\":\"Привет 😀\"}"));
    }

    [Test]
    public void RawUtf8_AndEscapedQuotesAndNewlines_RoundTrip()
    {
        var r = Parse("{\"event\":\"e\",\"data\":\"{\\\"t\\\":\\\"a\\\\\\\"b\\\\nc ✓\\\"}\"}");
        Assert.That(r.Data, Is.EqualTo("{\"t\":\"a\\\"b\\nc ✓\"}"));
    }

    [Test]
    public void EscapedEventAndChannelNames_AreUnescaped()
    {
        var r = Parse("""{"event":"my\u002Devent","channel":"ch\u0061n"}""");
        Assert.That((r.Event, r.Channel), Is.EqualTo(("my-event", "chan")));
    }

    [Test]
    public void UserId_StringOrNumber()
    {
        Assert.That(Parse("""{"event":"client-x","user_id":"u-1"}""").UserId, Is.EqualTo("u-1"));
        Assert.That(Parse("""{"event":"client-x","user_id":17}""").UserId, Is.EqualTo("17"));
    }

    [Test]
    public void UnknownFields_AreSkipped_AndChannelNullMeansNoChannel()
    {
        var r = Parse("""{"x":{"deep":[1,2]},"event":"e","channel":null,"y":"z"}""");
        Assert.That(r.Ok, Is.True);
        Assert.That(r.Channel, Is.Empty);
    }

    [TestCase("", "not valid JSON")]
    [TestCase("garbage", "not valid JSON")]
    [TestCase("[1,2]", "not a JSON object")]
    [TestCase("""{"channel":"c","data":"{}"}""", "no 'event'")]
    [TestCase("""{"event":5}""", "'event' is not a string")]
    [TestCase("""{"event":"e","channel":[]}""", "'channel' is not a string")]
    [TestCase("""{"event":"e","data":"{}" """, "not valid JSON")]
    [TestCase("""{"event":"e"}{"event":"f"}""", "not valid JSON")]
    [TestCase("""{"event":"e","data":"\u00"}""", "not valid JSON")]
    public void Malformed_IsRejectedWithAReason(string json, string reason)
    {
        var r = Parse(json);
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Error, Does.Contain(reason));
    }

    [Test]
    public void ExcessiveNesting_IsRejected()
    {
        string deep = new string('[', 100) + new string(']', 100);
        Assert.That(Parse("{\"event\":\"e\",\"data\":" + deep + "}").Ok, Is.False);
    }
}
