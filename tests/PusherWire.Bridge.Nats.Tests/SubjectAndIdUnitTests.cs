// Unit tests: subject mapping (reversible escaping) and content-derived message ids.
namespace PusherWire.Bridge.Nats.Tests;

public class SubjectAndIdUnitTests
{
    [Test]
    public void ChatAppChannel_MapsToReadableSubject_WithOneTokenPerChannelPart()
    {
        Assert.That(NatsSubjects.Build("chatapp", "private-v1.licenses.1229.messengers.grWhatsApp", "message"),
            Is.EqualTo("chatapp.private-v1.licenses.1229.messengers.grWhatsApp.message"));
    }

    [TestCase("private-v1.users.685", "message", "chatapp.private-v1.users.685.message")]
    [TestCase("orders", "App\\Events\\Created", "chatapp.orders.App\\Events\\Created")]
    [TestCase("orders", "order.created", "chatapp.orders.order%2Ecreated")]
    [TestCase("a..b", "e", "chatapp.a.%.b.e")]
    [TestCase(".leading", "e", "chatapp.%.leading.e")]
    [TestCase("c", "", "chatapp.c.%")]
    [TestCase("c", "50%", "chatapp.c.50%25")]
    [TestCase("c", "a b*>", "chatapp.c.a%20b%2A%3E")]
    [TestCase("c", "привет", "chatapp.c.%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82")]
    [TestCase("c", "emoji 😀", "chatapp.c.emoji%20%F0%9F%98%80")]
    [TestCase("c", "tab\tnl\n", "chatapp.c.tab%09nl%0A")]
    public void Subjects_EscapeUnsafeCharacters_AndParseBackExactly(string channel, string eventName, string subject)
    {
        Assert.That(NatsSubjects.Build("chatapp", channel, eventName), Is.EqualTo(subject));
        Assert.That(NatsSubjects.TryParse("chatapp", subject, out string parsedChannel, out string parsedEvent), Is.True);
        Assert.That((parsedChannel, parsedEvent), Is.EqualTo((channel, eventName)));
    }

    [Test]
    public void MultiTokenPrefix_IsKept()
    {
        string subject = NatsSubjects.Build("acme.prod.pusher", "private-v1.users.685", "message");
        Assert.That(subject, Is.EqualTo("acme.prod.pusher.private-v1.users.685.message"));
        Assert.That(NatsSubjects.TryParse("acme.prod.pusher", subject, out string channel, out _) && channel == "private-v1.users.685");
    }

    [TestCase("")]
    [TestCase("a..b")]
    [TestCase("a.*")]
    [TestCase("a.>")]
    [TestCase("with space")]
    [TestCase(".a")]
    public void InvalidPrefix_IsRejected(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => NatsSubjects.Build(prefix, "c", "e"));
        Assert.That(error!.ParamName, Is.EqualTo("prefix"));
    }

    [TestCase("other.c.e")]
    [TestCase("chatapp.onlyevent")]
    [TestCase("chatapp.c.bad%ZZ")]
    [TestCase("chatapp.c.cut%4")]
    public void TryParse_RejectsSubjectsItDidNotBuild(string subject)
    {
        Assert.That(NatsSubjects.TryParse("chatapp", subject, out _, out _), Is.False);
    }

    [Test]
    public void MessageId_DependsOnlyOnChannelEventAndData()
    {
        byte[] data = """{"id":1}"""u8.ToArray();
        string id = NatsMessageIds.Compute("private-v1.users.685", "message", data);

        Assert.That(id, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(NatsMessageIds.Compute("private-v1.users.685"u8, "message"u8, data), Is.EqualTo(id), "span and string forms agree (independent bridges agree)");
        Assert.That(NatsMessageIds.Compute("private-v1.users.686", "message", data), Is.Not.EqualTo(id));
        Assert.That(NatsMessageIds.Compute("private-v1.users.685", "message2", data), Is.Not.EqualTo(id));
        Assert.That(NatsMessageIds.Compute("private-v1.users.685", "message", """{"id":2}"""u8), Is.Not.EqualTo(id));
    }

    [Test]
    public void MessageId_LengthPrefixes_KeepBoundariesApart()
    {
        Assert.That(NatsMessageIds.Compute("ab", "c", "d"u8), Is.Not.EqualTo(NatsMessageIds.Compute("a", "bc", "d"u8)));
        Assert.That(NatsMessageIds.Compute("a", "b", "cd"u8), Is.Not.EqualTo(NatsMessageIds.Compute("a", "bc", "d"u8)));
    }

    [Test]
    public void MessageId_OfALargePayload_UsesTheWholePayload()
    {
        byte[] big = new byte[100_000];
        string before = NatsMessageIds.Compute("c", "e", big);
        big[^1] = 1;
        Assert.That(NatsMessageIds.Compute("c", "e", big), Is.Not.EqualTo(before));
    }
}
