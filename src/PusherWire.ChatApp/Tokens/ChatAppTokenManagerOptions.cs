// Settings of ChatAppTokenManager: the API, what to start from (pair, store, credentials) and when to refresh.
using System.Text;

namespace PusherWire.ChatApp;

/// <summary>
/// Settings of <see cref="ChatAppTokenManager"/>. Give at least one way to a pair: <see cref="InitialPair"/>, a
/// <see cref="Store"/> that holds one, or <see cref="Credentials"/> for <c>tokens.make</c>.
/// </summary>
public sealed record ChatAppTokenManagerOptions
{
    /// <summary>The token API (base URL, paths, retries, timeout). Its <see cref="ChatAppTokenClientOptions.TimeProvider"/> is also the clock the end times are compared with.</summary>
    public ChatAppTokenClientOptions Api { get; init; } = new();

    /// <summary>Email, password and app id for <c>tokens.make</c>, used only when there is no usable refresh token. Optional.</summary>
    public ChatAppCredentials? Credentials { get; init; }

    /// <summary>A pair to start from (e.g. read from configuration). A stored pair, when there is one, wins.</summary>
    public ChatAppTokenPair? InitialPair { get; init; }

    /// <summary>Where the pair is loaded from at the first request and saved to after every make or refresh. Optional.</summary>
    public IChatAppTokenStore? Store { get; init; }

    /// <summary>
    /// Refresh when asked for the access token this long before its <c>accessTokenEndTime</c>, so a reconnect does not
    /// first hit a 401. Zero refreshes only after a refusal or at the end time. Default 10 minutes.
    /// </summary>
    public TimeSpan RefreshAhead { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the property when the settings are unusable.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Api);
        Api.Validate();
        if (RefreshAhead < TimeSpan.Zero || RefreshAhead > TimeSpan.FromHours(12))
        {
            throw new ArgumentException($"ChatAppTokenManagerOptions.RefreshAhead must be between 0 and 12 hours (got {RefreshAhead}).", nameof(RefreshAhead));
        }

        if (Credentials is { } c && (string.IsNullOrWhiteSpace(c.Email) || string.IsNullOrEmpty(c.Password) || string.IsNullOrWhiteSpace(c.AppId)))
        {
            throw new ArgumentException("ChatAppTokenManagerOptions.Credentials needs a non-empty email, password and app id.", nameof(Credentials));
        }

        if (Credentials is null && InitialPair is null && Store is null)
        {
            throw new ArgumentException("ChatAppTokenManagerOptions needs an InitialPair, a Store or Credentials.", nameof(Credentials));
        }
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Api = {Api}, Credentials = {(Credentials is null ? "null" : "set")}, InitialPair = {(InitialPair is null ? "null" : "set")}, ")
               .Append($"Store = {Store?.ToString() ?? "null"}, RefreshAhead = {RefreshAhead}");
        return true;
    }
}
