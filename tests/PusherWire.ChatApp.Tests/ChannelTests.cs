namespace PusherWire.ChatApp.Tests;

public class ChannelTests
{
    [Test]
    public void Builders_MatchTheDocumentation()
    {
        Assert.That(ChatAppChannels.LicenseMessenger(1229, "grWhatsApp"), Is.EqualTo("private-v1.licenses.1229.messengers.grWhatsApp"));
        Assert.That(ChatAppChannels.LicenseMessenger(1229, "telegram"), Is.EqualTo("private-v1.licenses.1229.messengers.telegram"));
        Assert.That(ChatAppChannels.Company(2224), Is.EqualTo("private-v1.companies.2224"));
        Assert.That(ChatAppChannels.User(685), Is.EqualTo("private-v1.users.685"));
        Assert.That(ChatAppChannels.User(long.MaxValue), Is.EqualTo("private-v1.users.9223372036854775807"));
    }

    [Test]
    public void Builders_WorkAsMethodGroups_AsTheCliUsesThem()
    {
        long[] licenses = [1, 2];
        string[] messengers = ["telegram", "grWhatsApp"];
        Assert.That(licenses.Zip(messengers, ChatAppChannels.LicenseMessenger), Is.EqualTo(new[] { "private-v1.licenses.1.messengers.telegram", "private-v1.licenses.2.messengers.grWhatsApp" }));
        Assert.That(licenses.Select(ChatAppChannels.Company), Is.EqualTo(new[] { "private-v1.companies.1", "private-v1.companies.2" }));
        Assert.That(licenses.Select(ChatAppChannels.User), Is.EqualTo(new[] { "private-v1.users.1", "private-v1.users.2" }));
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    public void NonPositiveIds_AreRejected_WithTheParameterNamed(long id)
    {
        var license = Assert.Throws<ArgumentOutOfRangeException>(() => ChatAppChannels.LicenseMessenger(id, "telegram"));
        Assert.That(license.ParamName, Is.EqualTo("license"));
        Assert.That(license.Message, Does.StartWith($"A ChatApp license id must be positive (got {id})."));
        var company = Assert.Throws<ArgumentOutOfRangeException>(() => ChatAppChannels.Company(id));
        Assert.That((company.ParamName, company.Message.Split('\n')[0]), Is.EqualTo(("companyId", $"A ChatApp company id must be positive (got {id}). (Parameter 'companyId')")));
        var user = Assert.Throws<ArgumentOutOfRangeException>(() => ChatAppChannels.User(id));
        Assert.That(user.ParamName, Is.EqualTo("userId"));
    }

    [TestCase("")]
    [TestCase("what's app")]
    [TestCase("tele.gram")]
    [TestCase("telegram\n")]
    [TestCase("телеграм")]
    [TestCase("a/b")]
    public void InvalidMessengerTypes_AreRejected(string messengerType)
    {
        var error = Assert.Throws<ArgumentException>(() => ChatAppChannels.LicenseMessenger(1, messengerType));
        Assert.That(error.ParamName, Is.EqualTo("messengerType"));
        Assert.That(error.Message, Does.StartWith("A ChatApp messenger type must be 1 or more of A-Z a-z 0-9 _ -"));
        Assert.That(error.Message, Does.Not.Contain("\n'"), "control characters are not echoed");
    }

    [Test]
    public void MessengerType_NullIsArgumentNull_TooLongIsRejected_AllowedCharactersPass()
    {
        Assert.Throws<ArgumentNullException>(() => ChatAppChannels.LicenseMessenger(1, null!));
        var tooLong = Assert.Throws<ArgumentException>(() => ChatAppChannels.LicenseMessenger(1, new string('a', 150)));
        Assert.That(tooLong.Message, Does.Contain("Pusher allows 164"));
        Assert.That(ChatAppChannels.LicenseMessenger(7, "Az09_-"), Is.EqualTo("private-v1.licenses.7.messengers.Az09_-"));
    }

    [Test]
    public void TryParse_RoundTripsEveryBuilder()
    {
        Assert.That(ChatAppChannels.TryParse("private-v1.licenses.1229.messengers.grWhatsApp", out ChatAppChannel? license), Is.True);
        Assert.That((license!.Kind, license.Id, license.MessengerType, license.Messenger, license.Name),
            Is.EqualTo((ChatAppChannelKind.LicenseMessenger, 1229L, "grWhatsApp", ChatAppMessenger.GrWhatsApp, "private-v1.licenses.1229.messengers.grWhatsApp")));
        Assert.That(license.ToString(), Is.EqualTo(license.Name));

        ChatAppChannel company = ChatAppChannels.Parse(ChatAppChannels.Company(2224));
        Assert.That((company.Kind, company.Id, company.MessengerType, company.Messenger), Is.EqualTo((ChatAppChannelKind.Company, 2224L, (string?)null, ChatAppMessenger.Unknown)));

        ChatAppChannel user = ChatAppChannels.Parse(ChatAppChannels.User(685));
        Assert.That((user.Kind, user.Id, user.Name), Is.EqualTo((ChatAppChannelKind.User, 685L, "private-v1.users.685")));
        Assert.That(user, Is.EqualTo(ChatAppChannels.Parse("private-v1.users.685")), "value equality");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("private-v1.users.")]
    [TestCase("private-v1.users.0")]
    [TestCase("private-v1.users.-5")]
    [TestCase("private-v1.users.+5")]
    [TestCase("private-v1.users.0685")]
    [TestCase("private-v1.users. 685")]
    [TestCase("private-v1.users.685 ")]
    [TestCase("private-v1.users.685.extra")]
    [TestCase("private-v1.users.99999999999999999999")]
    [TestCase("private-v1.companies.abc")]
    [TestCase("v1.companies.2224")]
    [TestCase("presence-v1.users.685")]
    [TestCase("PRIVATE-v1.users.685")]
    [TestCase("private-v1.licenses.1229")]
    [TestCase("private-v1.licenses.1229.messengers.")]
    [TestCase("private-v1.licenses.1229.messengers.tele.gram")]
    [TestCase("private-v1.licenses.x.messengers.telegram")]
    [TestCase("private-v1.licenses.0.messengers.telegram")]
    [TestCase("private-v2.users.685")]
    public void TryParse_RejectsNonCanonicalNames(string? name)
    {
        Assert.That(ChatAppChannels.TryParse(name, out ChatAppChannel? channel), Is.False);
        Assert.That(channel, Is.Null);
    }

    [Test]
    public void Parse_ThrowsAClearArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatAppChannels.Parse("private-orders"));
        Assert.That(error.ParamName, Is.EqualTo("channelName"));
        Assert.That(error.Message, Does.StartWith("'private-orders' is not a ChatApp channel name: expected private-v1.licenses.{license}.messengers.{type}, private-v1.companies.{id} or private-v1.users.{id} with positive ids."));
    }
}
