// JsonCompactor: exactly one JSON value in, its compact form out; everything else refused.
using System.Buffers;
using System.Text;
using PusherWire.Cli.Output;

namespace PusherWire.Cli.Tests;

public class JsonCompactorTests
{
    [TestCase("{\n  \"a\": [1,\n    2],\n  \"b\": \"x\\ny\"\n}", "{\"a\":[1,2],\"b\":\"x\\ny\"}")]
    [TestCase(" [ 1 , -2.5e3 , true , false , null , \"a b\" , { } , [ ] ] ", "[1,-2.5e3,true,false,null,\"a b\",{},[]]")]
    [TestCase("{\"k\\u00e9\" : \"\\u00e9\\\"\\\\\"}", "{\"k\\u00e9\":\"\\u00e9\\\"\\\\\"}")]
    [TestCase("42", "42")]
    [TestCase("\"text\"", "\"text\"")]
    [TestCase("{\"payload\":{\"data\":[{\"id\":696}],\"meta\":{}}}", "{\"payload\":{\"data\":[{\"id\":696}],\"meta\":{}}}")]
    public void OneValue_IsCopiedCompactly_EscapesKept(string input, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.That(JsonCompactor.TryCompact(Encoding.UTF8.GetBytes(input), output), Is.True);
        Assert.That(Encoding.UTF8.GetString(output.WrittenSpan), Is.EqualTo(expected));
    }

    [Test]
    public void RandomValues_CompactOrIndented_ComeOutAsTheCompactForm()
    {
        // Compact input takes the one-copy path, indented input the token-by-token one: both must print the same line.
        var random = new Random(1202);
        var indented = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        for (int n = 0; n < 2_000; n++)
        {
            System.Text.Json.Nodes.JsonNode? value = RandomNode(random, 0);
            string compact = value?.ToJsonString() ?? "null";
            foreach (string input in new[] { compact, value?.ToJsonString(indented) ?? "null", " " + compact, compact + "\n" })
            {
                var output = new ArrayBufferWriter<byte>();
                Assert.That(JsonCompactor.TryCompact(Encoding.UTF8.GetBytes(input), output), Is.True, input);
                Assert.That(Encoding.UTF8.GetString(output.WrittenSpan), Is.EqualTo(compact), input);
            }
        }
    }

    private static System.Text.Json.Nodes.JsonNode? RandomNode(Random random, int depth)
    {
        int kind = random.Next(depth > 4 ? 4 : 7);
        switch (kind)
        {
            case 0:
                return null;
            case 1:
                return System.Text.Json.Nodes.JsonValue.Create(random.Next(-1000, 1000));
            case 2:
                return System.Text.Json.Nodes.JsonValue.Create(random.Next(2) == 0);
            case 3:
                string[] texts = ["", "a b", "x\"y", "back\\slash", "line\nbreak", "Привет", "tab\there", " lead", "trail "];
                return System.Text.Json.Nodes.JsonValue.Create(texts[random.Next(texts.Length)]);
            case 4:
            case 5:
                var obj = new System.Text.Json.Nodes.JsonObject();
                for (int i = random.Next(4); i > 0; i--)
                {
                    obj[$"k{i} {random.Next(10)}"] = RandomNode(random, depth + 1);
                }

                return obj;
            default:
                var array = new System.Text.Json.Nodes.JsonArray();
                for (int i = random.Next(4); i > 0; i--)
                {
                    array.Add(RandomNode(random, depth + 1));
                }

                return array;
        }
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("plain text")]
    [TestCase("{} {}")]
    [TestCase("{\"a\":1")]
    [TestCase("[1,]")]
    [TestCase("{\"a\":1} // comment")]
    [TestCase("'single'")]
    public void NotExactlyOneJsonValue_IsRefused(string input) =>
        Assert.That(JsonCompactor.TryCompact(Encoding.UTF8.GetBytes(input), new ArrayBufferWriter<byte>()), Is.False);

    [Test]
    public void InvalidUtf8_AndTooDeep_AreRefused()
    {
        Assert.That(JsonCompactor.TryCompact([(byte)'"', 0xC3, 0x28, (byte)'"'], new ArrayBufferWriter<byte>()), Is.False);
        string deep = new string('[', JsonCompactor.MaxDepth + 1) + new string(']', JsonCompactor.MaxDepth + 1);
        Assert.That(JsonCompactor.TryCompact(Encoding.UTF8.GetBytes(deep), new ArrayBufferWriter<byte>()), Is.False);
    }

    [Test]
    public void Compacting_AllocatesNothing()
    {
        byte[] input = Encoding.UTF8.GetBytes("{\"payload\": {\"data\": [{\"id\": 696, \"text\": \"Test\"}], \"meta\": {\"type\": \"message\"}}}");
        var output = new ArrayBufferWriter<byte>(4096);
        JsonCompactor.TryCompact(input, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            output.ResetWrittenCount();
            JsonCompactor.TryCompact(input, output);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
