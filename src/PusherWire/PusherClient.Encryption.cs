using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using PusherWire.Authorization;
using PusherWire.Encryption;
using PusherWire.Internal;

namespace PusherWire;

/// <summary>
/// Encrypted channels (<c>private-encrypted-</c>), as pusher-js's <c>encrypted_channel.ts</c>: the key comes from the
/// authorizer's <c>shared_secret</c>, each event is decrypted before any binding, global callback or reader sees it,
/// and an event that does not decrypt triggers one re-authorization (the key may have been rotated) before it is
/// reported and dropped. The cipher itself comes from <see cref="PusherOptions.Encryption"/>.
/// </summary>
public sealed partial class PusherClient
{
    private const string EncryptionPackageHint =
        "set PusherOptions.Encryption (add the PusherWire.Encryption package: Encryption = new SodiumChannelEncryption())";

    /// <summary>Refuses an encrypted channel up front when no cipher is configured: ciphertext must never reach handlers.</summary>
    private void RequireEncryptionFor(string channelName)
    {
        if (Options.Encryption is null && channelName.StartsWith("private-encrypted-", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{channelName}' is an encrypted channel: {EncryptionPackageHint}.");
        }
    }

    /// <summary>Takes the key out of an authorization of an encrypted channel; throws when the response has none.</summary>
    private void AcceptSharedSecret(PusherChannel channel, ChannelAuthorization authorization)
    {
        if (channel.IsEncrypted)
        {
            channel.SetDecryptor(CreateDecryptor(channel.Name, authorization.SharedSecret));
        }
    }

    private IChannelDecryptor CreateDecryptor(string channelName, string? sharedSecret)
    {
        IChannelEncryption encryption = Options.Encryption ?? throw new ChannelAuthorizationException(
            channelName, ChannelAuthorizationFailure.Other, null, $"encrypted channels need a cipher: {EncryptionPackageHint}.");
        if (string.IsNullOrEmpty(sharedSecret))
        {
            throw new ChannelAuthorizationException(channelName, ChannelAuthorizationFailure.InvalidResponse, null,
                "the auth response has no shared_secret, which an encrypted channel needs.");
        }

        Span<byte> key = stackalloc byte[ChannelEncryptionSizes.Key + 3];
        try
        {
            if (!Convert.TryFromBase64String(sharedSecret, key, out int written) || written != ChannelEncryptionSizes.Key)
            {
                // The secret's text is never quoted: a near-miss of a real key is still a key.
                throw new ChannelAuthorizationException(channelName, ChannelAuthorizationFailure.InvalidResponse, null,
                    "the auth response's shared_secret is not base64 of 32 bytes.");
            }

            return encryption.CreateDecryptor(key[..ChannelEncryptionSizes.Key]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Decrypts one event of an encrypted channel and routes the plaintext like any other event.</summary>
    private ValueTask DispatchEncrypted(PusherConnection connection, PusherChannel channel, in ParsedFrame frame)
    {
        byte[] work = ArrayPool<byte>.Shared.Rent(EncryptedEnvelope.WorkSize(frame.Data.Length));
        try
        {
            DecryptionStatus? status = TryDecrypt(channel, frame.Data, work, out ReadOnlySpan<byte> plaintext);
            if (status is null)
            {
                // Readers got owned copies inside Deliver, so the work buffer can go back as soon as it returns.
                return Deliver(connection, channel, new PusherEvent(frame.Channel, frame.EventName, plaintext, frame.UserId));
            }

            if (status != DecryptionStatus.AuthenticationFailed)
            {
                ReportError(new PusherDecryptionException(channel.Name, Encoding.UTF8.GetString(frame.EventName), status.Value));
                return ValueTask.CompletedTask;
            }

            // Another key: fetch the current one and try once more. The receive loop waits for this, so events stay in
            // order and callbacks keep running one at a time; the cost is one auth round trip per rotation.
            return ReauthorizeAndDeliverAsync(connection, channel, frame.EventName.ToArray(), frame.Data.ToArray(), frame.UserId.ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(work, clearArray: true); // the plaintext must not linger in a shared pool
        }
    }

    /// <summary>Decodes the envelope and opens it with the channel's key; the plaintext is a slice of <paramref name="work"/>.</summary>
    internal static DecryptionStatus? TryDecrypt(PusherChannel channel, ReadOnlySpan<byte> data, Span<byte> work, out ReadOnlySpan<byte> plaintext)
    {
        plaintext = default;
        if (EncryptedEnvelope.Decode(data, work, out int cipherLength) is { } malformed)
        {
            return malformed;
        }

        int nonce = ChannelEncryptionSizes.Nonce;
        Span<byte> output = work.Slice(nonce + cipherLength, cipherLength - ChannelEncryptionSizes.Mac);
        switch (channel.TryOpen(work[..nonce], work.Slice(nonce, cipherLength), output))
        {
            case null:
                return DecryptionStatus.NoKey;
            case false:
                return DecryptionStatus.AuthenticationFailed;
            default:
                plaintext = output;
                return null;
        }
    }

    /// <summary>pusher-js's retry: re-authorize once with the current socket id, take the new key, decrypt again. Never throws.</summary>
    private async ValueTask ReauthorizeAndDeliverAsync(PusherConnection connection, PusherChannel channel, byte[] eventName, byte[] data, byte[] userId)
    {
        string name = channel.Name;
        CancellationToken lifetime = connection.Lifetime;
        try
        {
            IChannelAuthorizer authorizer = Options.Authorizer ?? throw new ChannelAuthorizationException(
                name, ChannelAuthorizationFailure.Other, null, "no Authorizer is configured in PusherOptions.");
            ChannelAuthorization result;
            await _authLimiter.WaitAsync(lifetime).ConfigureAwait(false);
            try
            {
                result = await authorizer.AuthorizeAsync(new ChannelAuthorizationRequest(connection.SocketId, name), lifetime).ConfigureAwait(false);
            }
            finally
            {
                _authLimiter.Release();
            }

            channel.SetDecryptor(CreateDecryptor(name, result.SharedSecret));
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            return; // the connection ended meanwhile; the next one re-authorizes the channel anyway
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ReportError(new PusherDecryptionException(name, Encoding.UTF8.GetString(eventName), DecryptionStatus.ReauthorizationFailed, e));
            return;
        }

        if (!ReferenceEquals(connection, _connection) || !ReferenceEquals(GetChannel(name), channel))
        {
            return; // reconnected or unsubscribed while authorizing: the event belongs to a subscription that is over
        }

        byte[] work = ArrayPool<byte>.Shared.Rent(EncryptedEnvelope.WorkSize(data.Length));
        try
        {
            ValueTask delivered = DeliverDecrypted(connection, channel, eventName, data, userId, work);
            await delivered.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(work, clearArray: true);
        }
    }

    private ValueTask DeliverDecrypted(PusherConnection connection, PusherChannel channel, byte[] eventName, byte[] data, byte[] userId, byte[] work)
    {
        if (TryDecrypt(channel, data, work, out ReadOnlySpan<byte> plaintext) is { } status)
        {
            ReportError(new PusherDecryptionException(channel.Name, Encoding.UTF8.GetString(eventName), status));
            return ValueTask.CompletedTask;
        }

        return Deliver(connection, channel, new PusherEvent(Encoding.UTF8.GetBytes(channel.Name), eventName, plaintext, userId));
    }
}
