using System.Text.Json;
using PusherWire.ChatApp.Tests.Samples;

namespace PusherWire.ChatApp.Tests;

/// <summary>
/// Guards against unmapped fields: each sample is read into the models and written back with the same source-generated
/// metadata; the result must hold every member and value of the original (ids may change between "1229" and 1229,
/// and members the sample omits may come back as null).
/// </summary>
public class RoundTripTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        ChatAppSamples.All.Select((s, i) => new TestCaseData(i).SetArgDisplayNames($"{i:00}-{s.EventName}"));

    [TestCaseSource(nameof(Cases))]
    public void Sample_SurvivesModelRoundTrip_WithNoMemberLost(int index)
    {
        ChatAppSamples.Sample sample = ChatAppSamples.All[index];
        ChatAppEventDescriptor descriptor = ChatAppEventCatalog.Find(sample.EventName)!;
        object envelope = JsonSerializer.Deserialize(sample.Data, descriptor.EnvelopeInfo)!;
        JsonElement written = JsonSerializer.SerializeToElement(envelope, descriptor.EnvelopeInfo);
        using JsonDocument original = JsonDocument.Parse(sample.Data);

        var differences = new List<string>();
        Compare(original.RootElement, written, "$", differences);
        Assert.That(differences, Is.Empty, $"written back: {written.GetRawText()}");
    }

    [Test]
    public void Comparer_ReportsALostMember()
    {
        using JsonDocument a = JsonDocument.Parse("""{"x":{"id":1,"name":"n"}}""");
        using JsonDocument b = JsonDocument.Parse("""{"x":{"id":"1"}}""");
        var differences = new List<string>();
        Compare(a.RootElement, b.RootElement, "$", differences);
        Assert.That(differences, Is.EqualTo(new[] { "$.x.name: missing" }));
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                if (actual.ValueKind != JsonValueKind.Object)
                {
                    differences.Add($"{path}: {actual.ValueKind} instead of an object");
                    return;
                }

                foreach (JsonProperty property in expected.EnumerateObject())
                {
                    if (actual.TryGetProperty(property.Name, out JsonElement value))
                    {
                        Compare(property.Value, value, $"{path}.{property.Name}", differences);
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        differences.Add($"{path}.{property.Name}: missing");
                    }
                }

                foreach (JsonProperty property in actual.EnumerateObject())
                {
                    if (!expected.TryGetProperty(property.Name, out _) && property.Value.ValueKind != JsonValueKind.Null)
                    {
                        differences.Add($"{path}.{property.Name}: not in the sample");
                    }
                }

                break;
            case JsonValueKind.Array:
                if (actual.ValueKind != JsonValueKind.Array || actual.GetArrayLength() != expected.GetArrayLength())
                {
                    differences.Add($"{path}: array shape differs");
                    return;
                }

                for (int i = 0; i < expected.GetArrayLength(); i++)
                {
                    Compare(expected[i], actual[i], $"{path}[{i}]", differences);
                }

                break;
            default:
                // Ids are accepted as strings or numbers and written as numbers: compare their text.
                string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
                if (expected.ValueKind is JsonValueKind.String or JsonValueKind.Number && actual.ValueKind is JsonValueKind.String or JsonValueKind.Number
                    ? Text(expected) != Text(actual)
                    : expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{path}: {expected.GetRawText()} became {actual.GetRawText()}");
                }

                break;
        }
    }
}
