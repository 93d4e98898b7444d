using System.Security.Cryptography;
using System.Text;

namespace PusherWire.Testing;

/// <summary>Pusher's channel subscription signature: <c>key:hex(HMAC-SHA256(secret, "socket_id:channel[:channel_data]"))</c>.</summary>
public static class PusherSignature
{
    /// <summary>Signs a subscription the way a Pusher auth endpoint does.</summary>
    /// <param name="appKey">The application key (the part before the colon).</param>
    /// <param name="appSecret">The application secret.</param>
    /// <param name="socketId">The subscribing socket id.</param>
    /// <param name="channelName">The channel.</param>
    /// <param name="channelData">Presence channels: the <c>channel_data</c> JSON; otherwise null.</param>
    /// <returns>The <c>auth</c> value, <c>key:signature</c>.</returns>
    public static string Sign(string appKey, string appSecret, string socketId, string channelName, string? channelData = null)
    {
        ArgumentNullException.ThrowIfNull(appKey);
        ArgumentNullException.ThrowIfNull(appSecret);
        string toSign = channelData is null ? $"{socketId}:{channelName}" : $"{socketId}:{channelName}:{channelData}";
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(toSign));
        return $"{appKey}:{Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Checks an <c>auth</c> value in constant time.</summary>
    /// <returns>True when <paramref name="auth"/> is the signature <see cref="Sign"/> produces.</returns>
    public static bool Verify(string? auth, string appKey, string appSecret, string socketId, string channelName, string? channelData = null)
    {
        if (auth is null)
        {
            return false;
        }

        byte[] expected = Encoding.UTF8.GetBytes(Sign(appKey, appSecret, socketId, channelName, channelData));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(auth));
    }
}
