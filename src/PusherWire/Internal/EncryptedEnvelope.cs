// Parses the {"nonce":...,"ciphertext":...} data of an encrypted event and decodes both fields into a work buffer.
using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using PusherWire.Encryption;

namespace PusherWire.Internal;

/// <summary>
/// The envelope of an event on a <c>private-encrypted-</c> channel (pusher-js <c>encrypted_channel.ts</c>): a JSON object
/// whose <c>nonce</c> and <c>ciphertext</c> are base64. Decodes into one caller-supplied work buffer laid out as
/// [nonce | ciphertext | plaintext], so the receive path allocates nothing.
/// </summary>
internal static class EncryptedEnvelope
{
    private const int MaxNonceText = 64;

    /// <summary>A work buffer size that fits the decoded nonce, ciphertext and plaintext of any <paramref name="dataLength"/>-byte envelope.</summary>
    public static int WorkSize(int dataLength) => ChannelEncryptionSizes.Nonce + (2 * Base64.GetMaxDecodedFromUtf8Length(dataLength));

    /// <summary>Decodes <paramref name="data"/>: the nonce into <c>work[..24]</c>, the ciphertext right after it.</summary>
    /// <returns>Null on success (with the ciphertext's length), else why the envelope is unusable.</returns>
    public static DecryptionStatus? Decode(ReadOnlySpan<byte> data, Span<byte> work, out int cipherLength)
    {
        cipherLength = 0;
        bool haveNonce = false, haveCipher = false;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return DecryptionStatus.MalformedEnvelope;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int field = reader.ValueTextEquals("nonce"u8) ? 1 : reader.ValueTextEquals("ciphertext"u8) ? 2 : 0;
                if (!reader.Read())
                {
                    return DecryptionStatus.MalformedEnvelope;
                }

                if (field == 0)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return DecryptionStatus.MalformedEnvelope;
                }

                DecryptionStatus? status = field == 1
                    ? DecodeNonce(ref reader, work[..ChannelEncryptionSizes.Nonce])
                    : DecodeField(ref reader, work[ChannelEncryptionSizes.Nonce..], out cipherLength);
                if (status is not null)
                {
                    return status;
                }

                haveNonce |= field == 1;
                haveCipher |= field == 2;
            }
        }
        catch (JsonException)
        {
            return DecryptionStatus.MalformedEnvelope;
        }

        if (!haveNonce || !haveCipher)
        {
            return DecryptionStatus.MalformedEnvelope;
        }

        return cipherLength < ChannelEncryptionSizes.Mac ? DecryptionStatus.CiphertextTooShort : null;
    }

    private static DecryptionStatus? DecodeNonce(ref Utf8JsonReader reader, Span<byte> nonce)
    {
        if (reader.HasValueSequence || reader.ValueSpan.Length > MaxNonceText)
        {
            return DecryptionStatus.InvalidNonce;
        }

        Span<byte> decoded = stackalloc byte[MaxNonceText];
        DecryptionStatus? status = DecodeField(ref reader, decoded, out int length);
        if (status is not null)
        {
            return status;
        }

        if (length != ChannelEncryptionSizes.Nonce)
        {
            return DecryptionStatus.InvalidNonce;
        }

        decoded[..length].CopyTo(nonce);
        return null;
    }

    /// <summary>Base64-decodes the current string token into <paramref name="destination"/>.</summary>
    private static DecryptionStatus? DecodeField(ref Utf8JsonReader reader, scoped Span<byte> destination, out int written)
    {
        written = 0;
        if (!reader.ValueIsEscaped)
        {
            return Base64.DecodeFromUtf8(reader.ValueSpan, destination, out _, out written) == OperationStatus.Done
                ? null : DecryptionStatus.InvalidBase64;
        }

        // Escaped text (PHP's json_encode writes "\/" for "/"): unescape first, into a pooled scratch.
        byte[] scratch = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            int length = reader.CopyString(scratch);
            return Base64.DecodeFromUtf8(scratch.AsSpan(0, length), destination, out _, out written) == OperationStatus.Done
                ? null : DecryptionStatus.InvalidBase64;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
