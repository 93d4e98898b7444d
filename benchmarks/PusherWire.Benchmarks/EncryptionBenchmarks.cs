using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using PusherWire.Encryption;
using PusherWire.Testing;

namespace PusherWire.Benchmarks;

/// <summary>
/// What decryption adds per event on a <c>private-encrypted-</c> channel: a 1 KB event routed to its handler in plain
/// (the baseline row) and encrypted (envelope parse, two base64 decodes, libsodium secretbox open, pooled work
/// buffer), plus libsodium's open alone. Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class EncryptionBenchmarks
{
    private const string PlainChannel = "private-orders";
    private const string EncryptedChannel = "private-encrypted-orders";
    private RoutingRig _plain = null!;
    private RoutingRig _encrypted = null!;
    private ReadOnlySequence<byte> _plainFrame;
    private ReadOnlySequence<byte> _encryptedFrame;
    private IChannelDecryptor _decryptor = null!;
    private byte[] _nonce = [];
    private byte[] _box = [];
    private byte[] _output = [];
    private int _handled;

    [GlobalSetup]
    public void Setup()
    {
        // A 1 KB JSON payload (1,024 bytes of UTF-8).
        string payload = $$"""{"id":1,"text":"{{new string('x', 1024 - 18)}}"}""";
        if (Encoding.UTF8.GetByteCount(payload) != 1024)
        {
            throw new InvalidOperationException("The payload must be 1,024 bytes.");
        }

        var cipher = new SodiumChannelEncryption();
        byte[] key = RandomNumberGenerator.GetBytes(ChannelEncryptionSizes.Key);
        _nonce = RandomNumberGenerator.GetBytes(ChannelEncryptionSizes.Nonce);
        byte[] plaintext = Encoding.UTF8.GetBytes(payload);
        _box = new byte[plaintext.Length + ChannelEncryptionSizes.Mac];
        cipher.Seal(key, _nonce, plaintext, _box);
        _output = new byte[plaintext.Length];
        _decryptor = cipher.CreateDecryptor(key);
        string envelope = $$"""{"nonce":"{{Convert.ToBase64String(_nonce)}}","ciphertext":"{{Convert.ToBase64String(_box)}}"}""";

        _plain = new RoutingRig();
        _plain.Client.Subscribe(PlainChannel).Bind("e", (in PusherEvent e) => _handled += e.Data.Length);
        _plainFrame = new ReadOnlySequence<byte>(PusherTestServer.EncodeEvent(PlainChannel, "e", payload));

        _encrypted = new RoutingRig(new PusherOptions("key") { Encryption = cipher });
        PusherChannel channel = _encrypted.Client.Subscribe(EncryptedChannel);
        channel.SetDecryptor(cipher.CreateDecryptor(key));
        channel.Bind("e", (in PusherEvent e) => _handled += e.Data.Length);
        _encryptedFrame = new ReadOnlySequence<byte>(PusherTestServer.EncodeEvent(EncryptedChannel, "e", envelope));

        _handled = 0;
        Plain1KB_ParseRoute();
        Encrypted1KB_ParseDecryptRoute();
        if (_handled != 2048)
        {
            throw new InvalidOperationException("Both frames must reach their handler with the 1 KB payload.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _decryptor.Dispose();
        _plain.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _encrypted.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A 1 KB event on a private channel: parse + route + handler.</summary>
    [Benchmark(Baseline = true)]
    public void Plain1KB_ParseRoute() => _plain.Feed(_plainFrame);

    /// <summary>The same event encrypted: parse + envelope + base64 + secretbox open + route + handler.</summary>
    [Benchmark]
    public void Encrypted1KB_ParseDecryptRoute() => _encrypted.Feed(_encryptedFrame);

    /// <summary>libsodium's crypto_secretbox_open_easy on the 1 KB box alone.</summary>
    [Benchmark]
    public bool SecretboxOpen1KB() => _decryptor.TryOpen(_nonce, _box, _output);
}
