// Maps a Pusher channel and event name to a NATS subject and back (reversible escaping of subject-unsafe characters).
using System.Text;

namespace PusherWire.Bridge.Nats;

/// <summary>
/// Builds the subject an event is published on: the prefix, then the channel name's own dot-separated tokens, then the
/// event name as one token, e.g. <c>chatapp.private-v1.licenses.1229.messengers.grWhatsApp.message</c>. Workers filter
/// with wildcards (<c>chatapp.private-v1.licenses.1229.&gt;</c>, <c>chatapp.*.*.*.*.*.message</c>).
/// </summary>
/// <remarks>
/// Characters a subject token cannot hold (<c>.</c> inside the event name, <c>*</c>, <c>&gt;</c>, whitespace,
/// control and non-ASCII characters) and the escape character <c>%</c> itself are written as <c>%XX</c> (UTF-8 bytes,
/// upper-case hex); an empty token is written as a lone <c>%</c>. <see cref="TryParse"/> reverses the mapping exactly.
/// Pusher channel names (A-Z a-z 0-9 _ - = @ , . ;) never need escaping, so ChatApp subjects stay readable.
/// </remarks>
public static class NatsSubjects
{
    /// <summary>Builds the subject for an event.</summary>
    /// <param name="prefix">A valid subject prefix without wildcards (one or more tokens), e.g. <c>chatapp</c>.</param>
    /// <param name="channel">The Pusher channel name.</param>
    /// <param name="eventName">The event name.</param>
    /// <returns>The subject.</returns>
    public static string Build(string prefix, string channel, string eventName)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(eventName);
        ValidatePrefix(prefix);
        var builder = new StringBuilder(prefix.Length + channel.Length + eventName.Length + 8).Append(prefix);
        foreach (string token in channel.Split('.'))
        {
            AppendToken(builder.Append('.'), token);
        }

        AppendToken(builder.Append('.'), eventName);
        return builder.ToString();
    }

    /// <summary>Recovers the channel and event name from a subject built by <see cref="Build"/> with the same prefix.</summary>
    /// <param name="prefix">The prefix the subject was built with.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="channel">The channel name, when the subject parses.</param>
    /// <param name="eventName">The event name, when the subject parses.</param>
    /// <returns>False when the subject does not start with the prefix, has no channel token, or has a bad escape.</returns>
    public static bool TryParse(string prefix, string subject, out string channel, out string eventName)
    {
        channel = eventName = "";
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(subject);
        if (!subject.StartsWith(prefix + ".", StringComparison.Ordinal))
        {
            return false;
        }

        string[] tokens = subject[(prefix.Length + 1)..].Split('.');
        if (tokens.Length < 2)
        {
            return false;
        }

        var parts = new string[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            if (!TryUnescape(tokens[i], out parts[i]))
            {
                return false;
            }
        }

        channel = string.Join('.', parts, 0, parts.Length - 1);
        eventName = parts[^1];
        return true;
    }

    /// <summary>Escapes one subject token (see the remarks on <see cref="NatsSubjects"/>).</summary>
    /// <param name="value">Any text.</param>
    /// <returns>A token with no <c>.</c>, wildcard, whitespace or non-ASCII character; never empty.</returns>
    public static string EscapeToken(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AppendToken(new StringBuilder(value.Length + 2), value).ToString();
    }

    /// <summary>Checks a subject prefix: one or more non-empty tokens of printable ASCII, no wildcards or spaces.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <exception cref="ArgumentException">The prefix cannot start a subject.</exception>
    public static void ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        bool valid = prefix.Length > 0 && prefix.Split('.').All(t => t.Length > 0 && t.All(c => c > ' ' && c < 0x7F && c != '*' && c != '>'));
        if (!valid)
        {
            throw new ArgumentException($"The subject prefix '{prefix}' must be dot-separated non-empty tokens of printable ASCII without '*', '>' or spaces.", nameof(prefix));
        }
    }

    private static bool IsPlain(char c) => c > ' ' && c < 0x7F && c != '.' && c != '*' && c != '>' && c != '%';

    private static StringBuilder AppendToken(StringBuilder builder, string token)
    {
        if (token.Length == 0)
        {
            return builder.Append('%');
        }

        if (token.All(IsPlain))
        {
            return builder.Append(token);
        }

        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < token.Length; i++)
        {
            char c = token[i];
            if (IsPlain(c))
            {
                builder.Append(c);
                continue;
            }

            // A surrogate pair is one code point: encode both halves together so the bytes are valid UTF-8.
            int length = char.IsHighSurrogate(c) && i + 1 < token.Length && char.IsLowSurrogate(token[i + 1])
                ? Encoding.UTF8.GetBytes(token.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(token.AsSpan(i, 1), utf8);
            foreach (byte b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder;
    }

    private static bool TryUnescape(string token, out string value)
    {
        value = "";
        if (token == "%")
        {
            return true;
        }

        if (token.Length == 0)
        {
            return false;
        }

        if (!token.Contains('%', StringComparison.Ordinal))
        {
            value = token;
            return true;
        }

        var bytes = new List<byte>(token.Length);
        for (int i = 0; i < token.Length; i++)
        {
            if (token[i] != '%')
            {
                bytes.Add((byte)token[i]);
                continue;
            }

            if (i + 2 >= token.Length || !byte.TryParse(token.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out byte b))
            {
                return false;
            }

            bytes.Add(b);
            i += 2;
        }

        value = Encoding.UTF8.GetString([.. bytes]);
        return true;
    }
}
