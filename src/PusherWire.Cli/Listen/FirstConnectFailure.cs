// Recognises the connection failures that make a first connect hopeless: an unknown host, or a refused port.
using System.Net.Http;
using System.Net.Sockets;

namespace PusherWire.Cli.Listen;

/// <summary>
/// Looks through an error's inner exceptions for DNS failure (<see cref="SocketError.HostNotFound"/>, ...) or a refused
/// TCP connection; timeouts and TLS problems are not in this list (a slow or restarting server deserves retries).
/// </summary>
internal static class FirstConnectFailure
{
    public static string? Describe(PusherException error, ListenSettings settings)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return $"cannot resolve host '{settings.Host}' (check --host)";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"{settings.Host}:{settings.Port} refused the connection (check --host, --port and --no-tls)";
            }
        }

        return null;
    }
}
