// Span-based calls into libsodium's secretbox (the native library that the libsodium package ships for Sodium.Core).
using System.Runtime.InteropServices;

namespace PusherWire.Encryption.Internal;

/// <summary>
/// Direct P/Invokes for the hot path: Sodium.Core's own <c>SecretBox.Open</c> allocates a result array and throws on a
/// bad MAC, which a per-event decrypt (and a rotated key) should not pay for. Sodium.Core is still the package that
/// brings the native library and initializes it.
/// </summary>
internal static unsafe partial class SodiumNative
{
    private const string Library = "libsodium";
    private static readonly Lazy<bool> Initialized = new(Initialize);

    public static void EnsureInitialized() => _ = Initialized.Value;

    public static int SecretBoxEasy(Span<byte> ciphertext, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        fixed (byte* c = ciphertext)
        fixed (byte* m = plaintext)
        fixed (byte* n = nonce)
        fixed (byte* k = key)
        {
            return crypto_secretbox_easy(c, m, (ulong)plaintext.Length, n, k);
        }
    }

    public static int SecretBoxOpenEasy(Span<byte> plaintext, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        // A zero-length plaintext still needs a valid pointer for libsodium to write nothing to.
        byte dummy = 0;
        fixed (byte* m = plaintext)
        fixed (byte* c = ciphertext)
        fixed (byte* n = nonce)
        fixed (byte* k = key)
        {
            return crypto_secretbox_open_easy(m == null ? &dummy : m, c, (ulong)ciphertext.Length, n, k);
        }
    }

    private static bool Initialize()
    {
        try
        {
            Sodium.SodiumCore.Init();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
        {
            throw new PlatformNotSupportedException(
                $"libsodium could not be loaded for {RuntimeInformation.RuntimeIdentifier}; the libsodium package ships it for win/linux/osx x64 and arm64.", e);
        }

        return true;
    }

    [LibraryImport(Library)]
    private static partial int crypto_secretbox_easy(byte* c, byte* m, ulong mlen, byte* n, byte* k);

    [LibraryImport(Library)]
    private static partial int crypto_secretbox_open_easy(byte* m, byte* c, ulong clen, byte* n, byte* k);
}
