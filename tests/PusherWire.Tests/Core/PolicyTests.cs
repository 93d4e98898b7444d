namespace PusherWire.Tests.Core;

public class PolicyTests
{
    // pusher-js protocol.ts getCloseAction, checked at every boundary (protocol_spec.js does the same).
    [TestCase(null, CloseAction.Backoff)]
    [TestCase(1000, CloseAction.Backoff)]
    [TestCase(1002, CloseAction.Backoff)]
    [TestCase(1006, CloseAction.Backoff)]
    [TestCase(3999, CloseAction.Backoff)]
    [TestCase(4000, CloseAction.TlsOnly)]
    [TestCase(4001, CloseAction.Refused)]
    [TestCase(4099, CloseAction.Refused)]
    [TestCase(4100, CloseAction.Backoff)]
    [TestCase(4199, CloseAction.Backoff)]
    [TestCase(4200, CloseAction.Retry)]
    [TestCase(4299, CloseAction.Retry)]
    [TestCase(4300, CloseAction.Refused)]
    [TestCase(4999, CloseAction.Refused)]
    public void CloseCodeTable(int? code, CloseAction expected) => Assert.That(PusherCloseCodes.GetCloseAction(code), Is.EqualTo(expected));

    [Test]
    public void Backoff_GrowsExponentially_UpToTheCap_WithBoundedJitter()
    {
        var noJitter = new ReconnectPolicy { RandomSource = () => 0 };
        var fullJitter = new ReconnectPolicy { RandomSource = () => 0.999999 };
        double[] nominal = [1, 2, 4, 8, 16, 30, 30];
        for (int attempt = 0; attempt < nominal.Length; attempt++)
        {
            Assert.That(noJitter.GetDelay(attempt, immediate: false).TotalSeconds, Is.EqualTo(nominal[attempt]).Within(1e-9));
            Assert.That(fullJitter.GetDelay(attempt, immediate: false).TotalSeconds, Is.EqualTo(nominal[attempt] / 2).Within(1e-3), "at most half is jittered away");
        }

        Assert.That(noJitter.GetDelay(1000, immediate: false), Is.EqualTo(TimeSpan.FromSeconds(30)), "huge attempt counts do not overflow");
    }

    [Test]
    public void ImmediateRetry_IsZeroFirst_ThenBacksOff()
    {
        var policy = new ReconnectPolicy { RandomSource = () => 0 };
        Assert.That(policy.GetDelay(0, immediate: true), Is.EqualTo(TimeSpan.Zero));
        Assert.That(policy.GetDelay(1, immediate: true), Is.EqualTo(TimeSpan.FromSeconds(1)), "a server that keeps closing with 42xx cannot cause a hot loop");
        Assert.That(policy.GetDelay(2, immediate: true), Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void Uri_FollowsPusherJs()
    {
        var options = new PusherOptions("ChatsAppApiProdKey") { Host = "socket.chatapp.online", Port = 6001 };
        Assert.That(options.BuildUri().ToString(), Does.Match(@"^wss://socket\.chatapp\.online:6001/app/ChatsAppApiProdKey\?protocol=7&client=pusherwire-dotnet&version=\d+\.\d+\.\d+&flash=false$"));
        Assert.That((options with { UseTls = false, AllowInsecureTransport = true, Port = null, Path = "/ws/" }).BuildUri().ToString(), Does.StartWith("ws://socket.chatapp.online/ws/app/"), "the default port is implied");
        Assert.That((options with { Port = null }).BuildUri().Port, Is.EqualTo(443));
    }

    [Test]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentException>(() => _ = new PusherClient(new PusherOptions("")));
        var e = Assert.Throws<ArgumentException>(() => _ = new PusherClient(new PusherOptions("k") { UseTls = false }));
        Assert.That(e!.Message, Does.Contain("AllowInsecureTransport"));
        Assert.Throws<ArgumentException>(() => _ = new PusherClient(new PusherOptions("k") { PongTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => _ = new PusherClient(new PusherOptions("k") { MaxMessageSize = 10 }));
    }

    [TestCase("private-v1.licenses.1229.messengers.grWhatsApp", true)]
    [TestCase("presence-room@x,y;z=1", true)]
    [TestCase("", false)]
    [TestCase("has space", false)]
    [TestCase("slash/no", false)]
    public void ChannelNames_AreValidated(string name, bool valid)
    {
        var client = new PusherClient(new PusherOptions("k"));
        if (valid)
        {
            Assert.That(client.Subscribe(name).Name, Is.EqualTo(name));
            Assert.That(client.Subscribe(name), Is.SameAs(client.GetChannel(name)), "subscribing twice returns the same channel");
        }
        else
        {
            Assert.Throws<ArgumentException>(() => client.Subscribe(name));
        }
    }

    [Test]
    public void ChannelNames_LongerThan164_AreRejected()
    {
        var client = new PusherClient(new PusherOptions("k"));
        Assert.DoesNotThrow(() => client.Subscribe(new string('a', 164)));
        Assert.Throws<ArgumentException>(() => client.Subscribe(new string('a', 165)));
    }
}
