// Unit tests: option validation, retry backoff, and the stream settings check.
using NATS.Client.JetStream.Models;
using PusherWire.Bridge.Nats.Internal;

namespace PusherWire.Bridge.Nats.Tests;

public class OptionsUnitTests
{
    private static readonly Dictionary<string, NatsBridgeOptions> Invalid = new()
    {
        ["SubjectPrefix"] = new() { SubjectPrefix = "a.*" },
        ["MaxQueuedEvents"] = new() { MaxQueuedEvents = 0 },
        ["MaxQueuedBytes"] = new() { MaxQueuedBytes = 0 },
        ["OverflowPolicy"] = new() { OverflowPolicy = (NatsBridgeOverflowPolicy)7 },
        ["MaxConcurrentPublishes"] = new() { MaxConcurrentPublishes = 0 },
        ["PublishTimeout"] = new() { PublishTimeout = TimeSpan.Zero },
        ["RetryDelayMin"] = new() { RetryDelayMin = TimeSpan.Zero },
        ["RetryDelayMax"] = new() { RetryDelayMin = TimeSpan.FromSeconds(2), RetryDelayMax = TimeSpan.FromSeconds(1) },
        ["DrainTimeout"] = new() { DrainTimeout = TimeSpan.FromSeconds(-1) },
        ["BridgeName"] = new() { BridgeName = "line\nbreak" },
        ["Stream.Name"] = new() { Stream = new NatsStreamSettings { Name = "A.B" } },
        ["Stream.DuplicateWindow"] = new() { Stream = new NatsStreamSettings { DuplicateWindow = TimeSpan.FromDays(8) } },
        ["Stream.Replicas"] = new() { Stream = new NatsStreamSettings { Replicas = 0 } },
        ["Stream.MaxAge"] = new() { Stream = new NatsStreamSettings { MaxAge = TimeSpan.FromSeconds(-1) } },
    };

    private static IEnumerable<string> InvalidNames => Invalid.Keys;

    [TestCaseSource(nameof(InvalidNames))]
    public void Validate_NamesTheBadProperty(string property)
    {
        var error = Assert.Throws<ArgumentException>(() => Invalid[property].Validate());
        Assert.That(error!.Message, Does.StartWith(property));
    }

    [Test]
    public void Defaults_AreValid_AndDocumented()
    {
        NatsBridgeOptions.Default.Validate();
        Assert.That((NatsBridgeOptions.Default.SubjectPrefix, NatsBridgeOptions.Default.Stream.Name, NatsBridgeOptions.Default.Stream.DuplicateWindow),
            Is.EqualTo(("pusher", "PUSHER", TimeSpan.FromMinutes(2))));
    }

    [Test]
    public void RetryDelay_DoublesFromTheMinimum_UpToTheMaximum()
    {
        var options = new NatsBridgeOptions { RetryDelayMin = TimeSpan.FromMilliseconds(100), RetryDelayMax = TimeSpan.FromSeconds(1) };
        var delays = Enumerable.Range(1, 6).Select(attempt => NatsBridgeDelay(options, attempt).TotalMilliseconds);
        Assert.That(delays, Is.EqualTo(new double[] { 100, 200, 400, 800, 1000, 1000 }));
        Assert.That(NatsBridgeDelay(options, 10_000), Is.EqualTo(TimeSpan.FromSeconds(1)), "no overflow after many attempts");
    }

    [Test]
    public void StreamCheck_ListsEveryDifference()
    {
        var settings = new NatsStreamSettings { Name = "S", Replicas = 3 };
        var actual = new StreamConfig("S", ["x.>"])
        {
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.Memory,
            MaxAge = TimeSpan.FromDays(1),
            DuplicateWindow = TimeSpan.FromSeconds(10),
            NumReplicas = 1,
        };

        var error = Assert.Throws<NatsStreamMismatchException>(() => StreamSetup.Check(settings, "p.>", actual));

        Assert.That(error!.Differences, Has.Count.EqualTo(6));
        Assert.That(error.Message, Does.Contain("retention: stream has Workqueue, bridge expects Limits").And.Contain("replicas: stream has 1, bridge expects 3"));
    }

    [Test]
    public void StreamCheck_AcceptsAStreamWithExtraSubjects()
    {
        var actual = new StreamConfig("S", ["p.>", "other.>"]) { MaxAge = TimeSpan.FromDays(7), DuplicateWindow = TimeSpan.FromMinutes(2), NumReplicas = 1, Storage = StreamConfigStorage.File };
        Assert.DoesNotThrow(() => StreamSetup.Check(new NatsStreamSettings { Name = "S" }, "p.>", actual));
    }

    private static TimeSpan NatsBridgeDelay(NatsBridgeOptions options, int attempt) => NatsBridge.RetryDelay(options, attempt);
}
