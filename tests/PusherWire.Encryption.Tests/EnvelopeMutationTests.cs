// Deterministic mutations of a valid envelope: every one is decrypted or reported, never thrown, never delivered garbled.
using System.Security.Cryptography;
using System.Text;

namespace PusherWire.Encryption.Tests;

[CancelAfter(60_000)]
public class EnvelopeMutationTests
{
    private const string Channel = "private-encrypted-fuzz";
    private const string Inserts = "{}[]\",:\\=AZ/+0";

    [Test]
    public async Task MutatedEnvelopes_AreDeliveredIntactOrReported_AndTheNextEventArrives()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        const string plaintext = """{"id":12345,"text":"mutation target"}""";
        byte[] valid = Encoding.UTF8.GetBytes(EncryptedRouting.Seal(key, plaintext, nonce: new byte[24]));
        var random = new Random(20261202);
        await using var h = EncryptedRouting.Create(Channel, key);
        int reported = 0;

        for (int i = 0; i < 3000; i++)
        {
            byte[] mutant = Mutate(valid, random);
            h.Received.Clear();
            h.Harness.Errors.Clear();
            h.Harness.FeedEvent(Channel, "m", mutant);
            h.Harness.FeedEvent(Channel, "next", EncryptedRouting.Seal(key, "{}"));

            // A MAC failure would re-authorize (asynchronously): this harness has no authorizer, so it completes at once
            // with ReauthorizationFailed, which RoutingHarness's synchronous check accepts as long as it completed.
            string[] expectedTail = ["next:{}"];
            Assert.That(h.Received.Skip(h.Received.Count - 1), Is.EqualTo(expectedTail), $"mutant {i}: {Encoding.UTF8.GetString(mutant)}");
            if (h.Received.Count == 2)
            {
                Assert.That(h.Received[0], Is.EqualTo($"m:{plaintext}"), "a mutant that still decrypts must decrypt to the original");
            }
            else
            {
                Assert.That(h.Harness.Errors.Single(), Is.InstanceOf<PusherDecryptionException>(), $"mutant {i}");
                reported++;
            }
        }

        Assert.That(reported, Is.GreaterThan(2500), "most mutants must be caught");
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(32, 127);
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, (byte)Inserts[random.Next(Inserts.Length)]);
                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 12)));
                    break;
            }
        }

        return [.. bytes];
    }
}
