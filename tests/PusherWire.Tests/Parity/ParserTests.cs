// Unit tests of the presence and user-auth payload readers (hostile and odd inputs included).
using System.Text;
using PusherWire.Authorization;
using PusherWire.Internal;

namespace PusherWire.Tests.Parity;

public class ParserTests
{
    [Test]
    public void Roster_HashIsAuthoritative_IdsWithoutInfoAreAdded_GarbageGivesNull()
    {
        var roster = PresenceParser.ReadRoster(Encoding.UTF8.GetBytes("""{"presence":{"ids":["a",7,"b"],"hash":{"a":{"n":1},"7":null},"count":3}}"""))!;

        Assert.That(roster.Keys, Is.EqualTo(new[] { "7", "a", "b" }));
        Assert.That(roster["a"].InfoJson, Is.EqualTo("""{"n":1}"""));
        Assert.That(roster["7"].InfoJson, Is.Null);
        Assert.That(roster["b"].InfoJson, Is.Null);
        Assert.That(PresenceParser.ReadRoster("{}"u8), Is.Null);
        Assert.That(PresenceParser.ReadRoster("not json"u8), Is.Null);
        Assert.That(PresenceParser.ReadRoster("[1]"u8), Is.Null);
    }

    [TestCase("""{"user_id":"u1"}""", "u1")]
    [TestCase("""{"user_id":12}""", "12")]
    [TestCase("""{"user_id":""}""", null)]
    [TestCase("""{"user_id":true}""", null)]
    [TestCase("""{"user_info":{}}""", null)]
    [TestCase("""nope""", null)]
    public void UserId_IsAStringOrNumber(string json, string? expected) =>
        Assert.That(PresenceParser.ReadUserId(Encoding.UTF8.GetBytes(json)), Is.EqualTo(expected));

    [Test]
    public void UserAuthResponse_AcceptsUserDataAsStringOrObject_AndRejectsTheRestWithoutEchoingTheBody()
    {
        Assert.That(HttpUserAuthenticator.ParseResponse("""{"auth":"k:s","user_data":"{\"id\":\"1\"}"}"""u8), Is.EqualTo(new UserAuthentication("k:s", """{"id":"1"}""")));
        Assert.That(HttpUserAuthenticator.ParseResponse("""{"auth":"k:s","user_data":{"id":"1"}}"""u8).UserData, Is.EqualTo("""{"id":"1"}"""));
        foreach (string bad in new[] { """{"user_data":"{}"}""", """{"auth":"k:SECRET-sig"}""", "[]", "{bad SECRET-sig" })
        {
            var e = Assert.Throws<PusherSignInException>(() => HttpUserAuthenticator.ParseResponse(Encoding.UTF8.GetBytes(bad)));
            Assert.That(e!.Failure, Is.EqualTo(PusherSignInFailure.InvalidResponse));
            Assert.That(e.Message, Does.Not.Contain("SECRET"));
        }
    }

    [Test]
    public void UserAuthenticatorOptions_NeverPrintTheirSecrets_AndCopyTheChannelAuthorizersCredentials()
    {
        var channel = new HttpChannelAuthorizerOptions(new Uri("https://example.com/auth"))
        {
            Headers = new Dictionary<string, string> { ["X-Api"] = "SECRET-header" },
            AuthorizationProvider = _ => ValueTask.FromResult("SECRET-token"),
        };

        HttpUserAuthenticatorOptions user = HttpUserAuthenticatorOptions.From(channel, new Uri("https://example.com/pusher/user-auth"));

        Assert.That(user.AuthorizationProvider, Is.SameAs(channel.AuthorizationProvider));
        Assert.That(user.Headers, Is.SameAs(channel.Headers));
        Assert.That(user.ToString(), Does.Contain("X-Api").And.Not.Contain("SECRET"));
        Assert.That(new UserAuthentication("k:SECRET", "{}").ToString(), Does.Not.Contain("SECRET"));
        Assert.Throws<ArgumentException>(() => _ = new HttpUserAuthenticator(new HttpUserAuthenticatorOptions(new Uri("http://example.com/x"))));
    }
}
