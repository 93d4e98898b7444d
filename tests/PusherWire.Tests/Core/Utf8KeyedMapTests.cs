// The channel and binding table: lookups by UTF-8 bytes and by string agree, adds and removes are independent of size.
using System.Text;
using PusherWire.Internal;

namespace PusherWire.Tests.Core;

public class Utf8KeyedMapTests
{
    [TestCase("private-v1.licenses.1229.messengers.telegram")]
    [TestCase("presence-é-ü-漢字")]
    [TestCase("")]
    public void LookupByBytes_AndByString_FindTheSameValue(string key)
    {
        var map = new Utf8KeyedMap<int>();
        map.Set(key, 7);

        Assert.That(map.TryGetValue(Encoding.UTF8.GetBytes(key), out int byBytes), Is.True);
        Assert.That(map.TryGetValue(key, out int byString), Is.True);
        Assert.That((byBytes, byString), Is.EqualTo((7, 7)));
        Assert.That(map.TryGetValue(Encoding.UTF8.GetBytes(key + "x"), out _), Is.False);
    }

    [Test]
    public void LongKeys_BeyondTheStackBuffer_Work()
    {
        var map = new Utf8KeyedMap<string>();
        string key = new('k', 1000);
        map.Set(key, "v");

        Assert.That(map.TryGetValue(key, out string? value), Is.True);
        Assert.That(value, Is.EqualTo("v"));
        Assert.That(map.Remove(key), Is.True);
        Assert.That(map.IsEmpty, Is.True);
    }

    [Test]
    public void TenThousandKeys_AddReplaceRemove_KeepEveryOtherKey()
    {
        var map = new Utf8KeyedMap<int>();
        for (int i = 0; i < 10_000; i++)
        {
            map.Set($"private-{i}", i);
        }

        map.Set("private-5", -5);
        Assert.That(map.Remove("private-6"), Is.True);
        Assert.That(map.Remove("private-6"), Is.False);

        Assert.That(map.Count, Is.EqualTo(9_999));
        Assert.That(map.TryGetValue("private-5"u8, out int replaced) && replaced == -5, Is.True);
        Assert.That(map.TryGetValue("private-6"u8, out _), Is.False);
        Assert.That(map.TryGetValue("private-9999"u8, out int last) && last == 9999, Is.True);
        Assert.That(map.Values, Has.Count.EqualTo(9_999));
    }

    [Test]
    public void LookupByBytes_AllocatesNothing()
    {
        var map = new Utf8KeyedMap<int>();
        map.Set("private-v1.users.685", 1);
        ReadOnlySpan<byte> key = "private-v1.users.685"u8;
        map.TryGetValue(key, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            map.TryGetValue(key, out _);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
