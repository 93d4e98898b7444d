// Pusher's user sign-in signature, as Pusher's server SDKs compute it (authenticateUser).
using System.Security.Cryptography;
using System.Text;

namespace PusherWire.Testing;

/// <summary>Pusher's sign-in signature: <c>key:hex(HMAC-SHA256(secret, "socket_id::user::user_data"))</c>.</summary>
public static class PusherUserSignature
{
    /// <summary>Signs a sign-in the way a user auth endpoint does.</summary>
    /// <param name="appKey">The application key (the part before the colon).</param>
    /// <param name="appSecret">The application secret.</param>
    /// <param name="socketId">The socket signing in.</param>
    /// <param name="userData">The <c>user_data</c> JSON, exactly as sent.</param>
    /// <returns>The <c>auth</c> value, <c>key:signature</c>.</returns>
    public static string Sign(string appKey, string appSecret, string socketId, string userData)
    {
        ArgumentNullException.ThrowIfNull(appKey);
        ArgumentNullException.ThrowIfNull(appSecret);
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes($"{socketId}::user::{userData}"));
        return $"{appKey}:{Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Checks a sign-in <c>auth</c> value in constant time.</summary>
    public static bool Verify(string? auth, string appKey, string appSecret, string socketId, string userData) =>
        auth is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(Sign(appKey, appSecret, socketId, userData)), Encoding.UTF8.GetBytes(auth));
}
