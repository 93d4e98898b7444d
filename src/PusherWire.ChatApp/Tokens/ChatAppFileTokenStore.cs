// A token store in one JSON file: owner-only permissions, atomic replace, the pair in ChatApp's "data" shape.
namespace PusherWire.ChatApp;

/// <summary>
/// Keeps the pair in a JSON file, in the shape ChatApp returns it in <c>data</c> (<c>accessToken</c>,
/// <c>accessTokenEndTime</c>, <c>refreshToken</c>, <c>refreshTokenEndTime</c>; a whole <c>{"success":true,"data":...}</c>
/// answer is read as well). Saving writes a temporary file beside it, created with mode 0600 on Unix, and renames it over
/// the old one, so a crash mid-write never leaves a torn or world-readable file.
/// </summary>
/// <remarks>
/// Thread-safe: each save writes its own temporary file and the rename is atomic, so concurrent saves leave one whole
/// pair (the last renamed). Messages name the path, never the file's content.
/// </remarks>
public sealed class ChatAppFileTokenStore : IChatAppTokenStore
{
    private const int MaxFileBytes = 64 * 1024;

    /// <summary>Creates the store; nothing is read or written yet.</summary>
    /// <param name="path">The file; its directory must exist.</param>
    public ChatAppFileTokenStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async ValueTask<ChatAppTokenPair?> LoadAsync(CancellationToken cancellationToken)
    {
        byte[] json;
        try
        {
            var info = new FileInfo(Path);
            if (!info.Exists)
            {
                return null;
            }

            if (info.Length > MaxFileBytes)
            {
                throw new ChatAppTokenException(ChatAppTokenFailure.Store, $"The token file '{Path}' is larger than {MaxFileBytes} bytes.");
            }

            json = await File.ReadAllBytesAsync(Path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChatAppTokenException(ChatAppTokenFailure.Store, $"The token file '{Path}' cannot be read ({e.GetType().Name}).", innerException: e);
        }

        return ChatAppTokenJson.ReadPairDocument(json, $"the token file '{Path}'", ChatAppTokenFailure.Store);
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(ChatAppTokenPair pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        byte[] json = ChatAppTokenJson.WritePair(pair);
        string temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Set at creation, not chmod afterwards: the tokens are never readable by others, not even briefly.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(json, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ChatAppTokenException(ChatAppTokenFailure.Store, $"The token file '{Path}' cannot be written ({e.GetType().Name}).", innerException: e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ChatAppFileTokenStore {{ Path = {Path} }}";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover .tmp file is owner-only and replaced by the next save's rename anyway.
        }
    }
}
