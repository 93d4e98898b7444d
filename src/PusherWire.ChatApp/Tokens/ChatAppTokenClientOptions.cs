// Settings of ChatAppTokenClient: where ChatApp's v1 token API lives and how requests are sent.
using System.Text;

namespace PusherWire.ChatApp;

/// <summary>Settings of <see cref="ChatAppTokenClient"/>. Paths are relative to <see cref="ApiBase"/>.</summary>
public sealed record ChatAppTokenClientOptions
{
    /// <summary>ChatApp's API base.</summary>
    public const string DefaultApiBase = "https://api.chatapp.online";

    /// <summary>The API base the token paths are appended to. Default <see cref="DefaultApiBase"/>.</summary>
    public Uri ApiBase { get; init; } = new(DefaultApiBase);

    /// <summary><c>tokens.make</c>: POST with JSON <c>{"email","password","appId"}</c>. Default <c>v1/tokens</c>.</summary>
    public string MakePath { get; init; } = "v1/tokens";

    /// <summary><c>tokens.refresh</c>: POST with the refresh token in the <c>Refresh</c> header. Default <c>v1/tokens/refresh</c>.</summary>
    public string RefreshPath { get; init; } = "v1/tokens/refresh";

    /// <summary><c>tokens.check</c>: GET with the access token in <c>Authorization</c>. Default <c>v1/tokens/check</c>.</summary>
    public string CheckPath { get; init; } = "v1/tokens/check";

    /// <summary>The <c>Lang</c> header (language of ChatApp's error messages), or null to omit it.</summary>
    public string? Lang { get; init; }

    /// <summary>The limit for one request. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Attempts per call when the API is unreachable, times out or answers 408, 429 or 5xx. Refusals (bad credentials,
    /// invalid refresh token) are never retried. Default 3.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the second attempt; doubled before each further one. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Allow an <c>http://</c> <see cref="ApiBase"/>, for loopback test servers only. Default false.</summary>
    public bool AllowInsecureTransport { get; init; }

    /// <summary>An <see cref="HttpClient"/> to use (tests, proxies); the caller owns it. Null uses a shared one that never follows redirects.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>The clock for <see cref="Timeout"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the property when the settings are unusable.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(ApiBase);
        if (!ApiBase.IsAbsoluteUri || (ApiBase.Scheme != Uri.UriSchemeHttps && ApiBase.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("ChatAppTokenClientOptions.ApiBase must be an absolute http(s) URI.", nameof(ApiBase));
        }

        if (ApiBase.Scheme == Uri.UriSchemeHttp && !AllowInsecureTransport)
        {
            throw new ArgumentException("ChatAppTokenClientOptions.ApiBase uses http://, which would send credentials in clear text; set AllowInsecureTransport for a loopback test server.", nameof(ApiBase));
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ChatAppTokenClientOptions.Timeout must be positive (got {Timeout}).", nameof(Timeout));
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"ChatAppTokenClientOptions.MaxAttempts must be at least 1 (got {MaxAttempts}).", nameof(MaxAttempts));
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"ChatAppTokenClientOptions.RetryDelay must not be negative (got {RetryDelay}).", nameof(RetryDelay));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    /// <summary>The absolute URI of <paramref name="path"/> under <see cref="ApiBase"/> (a missing trailing slash is tolerated).</summary>
    internal Uri Resolve(string path)
    {
        string baseText = ApiBase.AbsoluteUri;
        return new Uri(new Uri(baseText.EndsWith('/') ? baseText : baseText + "/"), path.TrimStart('/'));
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"ApiBase = {ApiBase}, MakePath = {MakePath}, RefreshPath = {RefreshPath}, CheckPath = {CheckPath}, ")
               .Append($"Lang = {Lang ?? "null"}, Timeout = {Timeout}, MaxAttempts = {MaxAttempts}, RetryDelay = {RetryDelay}, AllowInsecureTransport = {AllowInsecureTransport}");
        return true;
    }
}
