// How `listen` uses a token manager: a check before connecting, and one stderr line per renewal (end times only).
using System.Globalization;
using PusherWire.ChatApp;

namespace PusherWire.Cli.Token;

/// <summary>Connects a <see cref="ChatAppTokenManager"/> to a listen run.</summary>
internal static class ListenTokens
{
    /// <summary>
    /// Gets a usable pair before connecting (load, refresh or make), so a missing or refused credential is one clear
    /// error instead of a refusal per channel, and reports every later renewal on stderr.
    /// </summary>
    /// <returns>Null when ready, else the exit code to stop with.</returns>
    public static async Task<int?> PrepareAsync(ChatAppTokenManager manager, TextWriter stderr, CancellationToken cancellationToken)
    {
        manager.Renewed += (_, e) =>
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"token: {e.Source.ToString().ToLowerInvariant()}, access token ends {e.AccessTokenEndTime.UtcDateTime:O}");
            stderr.WriteLine(e.StoreError is null ? line : $"{line}; warning: not saved ({e.StoreError.Message})");
        };
        try
        {
            await manager.GetPairAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ChatAppTokenException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Fatal;
        }
    }
}
