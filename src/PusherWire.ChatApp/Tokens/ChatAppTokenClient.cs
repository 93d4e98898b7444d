// ChatApp's v1 token API over HTTP: tokens.make, tokens.refresh and tokens.check, with bounded retries.
using System.Net;
using System.Text;
using System.Text.Json;

namespace PusherWire.ChatApp;

/// <summary>
/// Calls ChatApp's v1 token API: <see cref="MakeAsync"/> (email, password, app id), <see cref="RefreshAsync"/> (refresh
/// token) and <see cref="CheckAsync"/> (access token). Network failures, timeouts, 408, 429 and 5xx are retried
/// (<see cref="ChatAppTokenClientOptions.MaxAttempts"/>, doubling <see cref="ChatAppTokenClientOptions.RetryDelay"/>);
/// refusals are not. ChatApp asks integrators not to call <c>tokens.make</c> per request or on a timer: use
/// <see cref="ChatAppTokenManager"/>, which keeps the pair and refreshes it only when needed.
/// </summary>
/// <remarks>Thread-safe: every call is independent. No secret appears in an exception message or <see cref="ToString"/>.</remarks>
public sealed class ChatAppTokenClient
{
    private const int MaxResponseBytes = 64 * 1024;

    // Like HttpChannelAuthorizer's: one pooled client for the process, never following redirects, so neither the
    // password nor a token is ever replayed to a redirect target.
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    })
    { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

    private readonly HttpClient _http;

    /// <summary>Creates the client.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ChatAppTokenClient(ChatAppTokenClientOptions? options = null)
    {
        Options = options ?? new ChatAppTokenClientOptions();
        Options.Validate();
        _http = Options.HttpClient ?? SharedHttp.Value;
    }

    /// <summary>The settings in use.</summary>
    public ChatAppTokenClientOptions Options { get; }

    /// <summary><c>tokens.make</c>: a new pair from the account credentials.</summary>
    /// <exception cref="ChatAppTokenException">Refused (<see cref="ChatAppTokenFailure.CredentialsRefused"/>) or failed.</exception>
    public async Task<ChatAppTokenPair> MakeAsync(ChatAppCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        byte[] body = ChatAppTokenJson.WriteCredentials(credentials);
        Answer answer = await SendAsync("tokens.make", () => new HttpRequestMessage(HttpMethod.Post, Options.Resolve(Options.MakePath))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        }, cancellationToken).ConfigureAwait(false);
        return answer.Refused
            ? throw new ChatAppTokenException(ChatAppTokenFailure.CredentialsRefused,
                $"tokens.make refused the email, password or app id ({answer.Describe()}).", answer.Status, answer.ErrorCode)
            : ChatAppTokenJson.ReadPair(answer.Data, "the tokens.make answer");
    }

    /// <summary><c>tokens.refresh</c>: the next pair for a refresh token (sent in the <c>Refresh</c> header).</summary>
    /// <exception cref="ChatAppTokenException">Refused (<see cref="ChatAppTokenFailure.RefreshTokenRefused"/>) or failed.</exception>
    public async Task<ChatAppTokenPair> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ChatAppOptions.CheckToken(refreshToken, static m => new ArgumentException(m.Replace("ChatApp token", "refresh token", StringComparison.Ordinal), nameof(refreshToken)));
        Answer answer = await SendAsync("tokens.refresh", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Options.Resolve(Options.RefreshPath));
            request.Headers.TryAddWithoutValidation("Refresh", refreshToken);
            return request;
        }, cancellationToken).ConfigureAwait(false);
        return answer.Refused
            ? throw new ChatAppTokenException(ChatAppTokenFailure.RefreshTokenRefused,
                $"tokens.refresh refused the refresh token ({answer.Describe()}).", answer.Status, answer.ErrorCode)
            : ChatAppTokenJson.ReadPair(answer.Data, "the tokens.refresh answer");
    }

    /// <summary><c>tokens.check</c>: whether ChatApp accepts <paramref name="accessToken"/> now.</summary>
    /// <returns>True when accepted, false when refused (expired, revoked or unknown).</returns>
    /// <exception cref="ChatAppTokenException">The API could not be asked (network, 5xx, unexpected answer).</exception>
    public async Task<bool> CheckAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        ChatAppOptions.CheckToken(accessToken, static m => new ArgumentException(m, nameof(accessToken)));
        Answer answer = await SendAsync("tokens.check", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Options.Resolve(Options.CheckPath));
            request.Headers.TryAddWithoutValidation("Authorization", accessToken);
            return request;
        }, cancellationToken).ConfigureAwait(false);
        return !answer.Refused;
    }

    /// <inheritdoc />
    public override string ToString() => $"ChatAppTokenClient {{ {Options} }}";

    /// <summary>Sends with retries; returns a success (with <c>data</c>) or a refusal, throws for everything else.</summary>
    private async Task<Answer> SendAsync(string call, Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        TimeSpan delay = Options.RetryDelay;
        for (int attempt = 1; ; attempt++)
        {
            ChatAppTokenException failure;
            try
            {
                return await SendOnceAsync(call, build, cancellationToken).ConfigureAwait(false);
            }
            catch (ChatAppTokenException e) when (IsTransient(e))
            {
                failure = e;
            }

            if (attempt >= Options.MaxAttempts)
            {
                throw failure;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            delay *= 2;
        }
    }

    private static bool IsTransient(ChatAppTokenException e) =>
        e.Failure == ChatAppTokenFailure.Network || (e.Failure == ChatAppTokenFailure.HttpStatus && e.StatusCode is 408 or 429 or >= 500);

    private async Task<Answer> SendOnceAsync(string call, Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Options.Timeout, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using HttpRequestMessage request = build();
            request.Headers.Accept.ParseAdd("application/json");
            if (Options.Lang is { } lang)
            {
                request.Headers.TryAddWithoutValidation("Lang", lang);
            }

            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            byte[] body = await ReadCappedAsync(response, call, linked.Token).ConfigureAwait(false);
            return ChatAppTokenJson.Classify(call, status, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ChatAppTokenException(ChatAppTokenFailure.Network, $"{call} did not answer within {Options.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException e)
        {
            // The inner exception names the host and the socket error only, never headers or bodies.
            throw new ChatAppTokenException(ChatAppTokenFailure.Network, $"{call} failed ({e.HttpRequestError}).", innerException: e);
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new ChatAppTokenException(ChatAppTokenFailure.InvalidResponse, $"{call}: the answer is larger than {MaxResponseBytes} bytes.", (int)response.StatusCode);
        }

        var buffer = new MemoryStream();
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxResponseBytes)
                {
                    throw new ChatAppTokenException(ChatAppTokenFailure.InvalidResponse, $"{call}: the answer is larger than {MaxResponseBytes} bytes.", (int)response.StatusCode);
                }
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A usable answer: success with its <c>data</c> element, or a refusal with its status and error code.</summary>
    internal readonly record struct Answer(bool Refused, int Status, string? ErrorCode, JsonElement Data)
    {
        public string Describe()
        {
            var text = new StringBuilder($"HTTP {Status}");
            if (ErrorCode is { } code)
            {
                text.Append(", ").Append(LogSanitizer.Clean(code));
            }

            return text.ToString();
        }
    }
}
