using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PusherWire.ChatApp;

/// <summary>The three kinds of ChatApp private channels.</summary>
public enum ChatAppChannelKind
{
    /// <summary><c>private-v1.licenses.{license}.messengers.{messengerType}</c>: one messenger of one license (chat and message events).</summary>
    LicenseMessenger,

    /// <summary><c>private-v1.companies.{companyId}</c>: one company (employee events).</summary>
    Company,

    /// <summary><c>private-v1.users.{userId}</c>: one user (quick response events).</summary>
    User,
}

/// <summary>A parsed ChatApp channel name: its kind and ids. Get one from <see cref="ChatAppChannels.TryParse"/> or <see cref="ChatAppChannels.Parse"/>.</summary>
public sealed record ChatAppChannel
{
    internal ChatAppChannel(ChatAppChannelKind kind, long id, string? messengerType, string name)
    {
        Kind = kind;
        Id = id;
        MessengerType = messengerType;
        Name = name;
    }

    /// <summary>The channel kind.</summary>
    public ChatAppChannelKind Kind { get; }

    /// <summary>The license id, company id or user id, depending on <see cref="Kind"/>.</summary>
    public long Id { get; }

    /// <summary>The messenger type as written in the name (e.g. <c>grWhatsApp</c>); null unless <see cref="Kind"/> is <see cref="ChatAppChannelKind.LicenseMessenger"/>.</summary>
    public string? MessengerType { get; }

    /// <summary><see cref="MessengerType"/> normalized (case-insensitive); <see cref="ChatAppMessenger.Unknown"/> for other types and other kinds.</summary>
    public ChatAppMessenger Messenger => ChatAppEnumParser.Messenger(MessengerType);

    /// <summary>The full Pusher channel name.</summary>
    public string Name { get; }

    /// <summary>Returns <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}

/// <summary>Builds, validates and parses ChatApp channel names.</summary>
public static class ChatAppChannels
{
    private const string LicensePrefix = "private-v1.licenses.";
    private const string MessengersInfix = ".messengers.";
    private const string CompanyPrefix = "private-v1.companies.";
    private const string UserPrefix = "private-v1.users.";

    // Pusher's limit for a channel name.
    private const int MaxNameLength = 164;

    /// <summary>The license-messenger channel, e.g. <c>private-v1.licenses.1229.messengers.grWhatsApp</c>.</summary>
    /// <param name="license">The license id; must be positive.</param>
    /// <param name="messengerType">The messenger type as ChatApp spells it (<c>telegram</c>, <c>grWhatsApp</c>, ...): 1 or more of <c>A-Z a-z 0-9 _ -</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or malformed.</exception>
    public static string LicenseMessenger(long license, string messengerType)
    {
        RequirePositive(license, nameof(license), "license id");
        ArgumentNullException.ThrowIfNull(messengerType);
        if (!IsMessengerType(messengerType))
        {
            throw new ArgumentException(
                $"A ChatApp messenger type must be 1 or more of A-Z a-z 0-9 _ - (got {Describe(messengerType)}).", nameof(messengerType));
        }

        string name = string.Concat(LicensePrefix, license.ToString(CultureInfo.InvariantCulture), MessengersInfix, messengerType);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException(
                $"The messenger type is too long: the channel name would have {name.Length} characters, Pusher allows {MaxNameLength}.", nameof(messengerType));
        }

        return name;
    }

    /// <summary>The company channel, e.g. <c>private-v1.companies.2224</c>.</summary>
    /// <param name="companyId">The company id; must be positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="companyId"/> is not positive.</exception>
    public static string Company(long companyId)
    {
        RequirePositive(companyId, nameof(companyId), "company id");
        return CompanyPrefix + companyId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The user channel, e.g. <c>private-v1.users.685</c>.</summary>
    /// <param name="userId">The user id; must be positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="userId"/> is not positive.</exception>
    public static string User(long userId)
    {
        RequirePositive(userId, nameof(userId), "user id");
        return UserPrefix + userId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parses a ChatApp channel name. Only the canonical form the builders produce is accepted: positive ids in plain
    /// decimal without leading zeros or signs, and a messenger type of <c>A-Z a-z 0-9 _ -</c>.
    /// </summary>
    /// <returns>True when <paramref name="channelName"/> is a ChatApp channel name.</returns>
    public static bool TryParse(string? channelName, [NotNullWhen(true)] out ChatAppChannel? channel)
    {
        channel = null;
        if (channelName is null || channelName.Length > MaxNameLength)
        {
            return false;
        }

        ReadOnlySpan<char> name = channelName;
        if (name.StartsWith(LicensePrefix, StringComparison.Ordinal))
        {
            ReadOnlySpan<char> rest = name[LicensePrefix.Length..];
            int infix = rest.IndexOf(MessengersInfix, StringComparison.Ordinal);
            if (infix < 0 || !TryParseId(rest[..infix], out long license))
            {
                return false;
            }

            string messengerType = rest[(infix + MessengersInfix.Length)..].ToString();
            if (!IsMessengerType(messengerType))
            {
                return false;
            }

            channel = new ChatAppChannel(ChatAppChannelKind.LicenseMessenger, license, messengerType, channelName);
            return true;
        }

        if (name.StartsWith(CompanyPrefix, StringComparison.Ordinal) && TryParseId(name[CompanyPrefix.Length..], out long company))
        {
            channel = new ChatAppChannel(ChatAppChannelKind.Company, company, null, channelName);
            return true;
        }

        if (name.StartsWith(UserPrefix, StringComparison.Ordinal) && TryParseId(name[UserPrefix.Length..], out long user))
        {
            channel = new ChatAppChannel(ChatAppChannelKind.User, user, null, channelName);
            return true;
        }

        return false;
    }

    /// <summary>Parses a ChatApp channel name (see <see cref="TryParse"/>).</summary>
    /// <exception cref="ArgumentException">The name is not a ChatApp channel name.</exception>
    public static ChatAppChannel Parse(string channelName)
    {
        ArgumentNullException.ThrowIfNull(channelName);
        return TryParse(channelName, out ChatAppChannel? channel)
            ? channel
            : throw new ArgumentException(
                $"{Describe(channelName)} is not a ChatApp channel name: expected {LicensePrefix}{{license}}{MessengersInfix}{{type}}, {CompanyPrefix}{{id}} or {UserPrefix}{{id}} with positive ids.",
                nameof(channelName));
    }

    private static bool IsMessengerType(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    // Canonical decimal only: no sign, no leading zero, no whitespace, fits a long, positive.
    private static bool TryParseId(ReadOnlySpan<char> text, out long id)
    {
        id = 0;
        return text.Length > 0 && text[0] != '0' && !text.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    private static void RequirePositive(long value, string parameter, string what)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"A ChatApp {what} must be positive (got {value}).");
        }
    }

    // Quotes user input for an exception message: control characters replaced, length capped.
    private static string Describe(string value) => $"'{LogSanitizer.Clean(value.Length > 64 ? value[..64] + "..." : value)}'";
}
