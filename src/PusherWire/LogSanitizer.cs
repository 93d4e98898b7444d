namespace PusherWire;

/// <summary>
/// Makes server-supplied text safe to put in messages and logs (CWE-117: no forged log lines). Public for layers built
/// on the client (the ChatApp package, your own) that quote channel names, event names or server messages.
/// </summary>
public static class LogSanitizer
{
    private const int MaxLength = 512;

    /// <summary>Returns <paramref name="text"/> with control characters replaced by spaces, cut to 512 characters.</summary>
    /// <param name="text">Untrusted text; null gives an empty string.</param>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        bool clean = text.Length <= MaxLength;
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        ReadOnlySpan<char> source = text.AsSpan(0, Math.Min(text.Length, MaxLength));
        return string.Create(source.Length, text, static (dest, t) =>
        {
            for (int i = 0; i < dest.Length; i++)
            {
                dest[i] = char.IsControl(t[i]) ? ' ' : t[i];
            }
        });
    }
}
