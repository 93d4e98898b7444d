// The small HTTP pieces every test-server endpoint (channel auth, user auth, token API) answers with.
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PusherWire.Testing;

internal static class TestHttp
{
    /// <summary>Writes one complete response.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Compares a presented credential with the expected one in constant time (no timing oracle, even in tests).</summary>
    public static bool SecretEquals(string actual, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));
}
