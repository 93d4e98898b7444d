// Presence channels: the member roster and its notifications (pusher-js presence_channel.ts, members.ts).
using System.Collections.Immutable;
using PusherWire.Authorization;
using PusherWire.Internal;

namespace PusherWire;

public sealed partial class PusherChannel
{
    private readonly PresenceMemberCollection _roster = new();
    private bool _hadRoster;

    /// <summary>
    /// The members of a <c>presence-</c> channel; null for every other kind. Filled when the subscription succeeds and
    /// kept current as members join and leave.
    /// </summary>
    public PresenceMemberCollection? Members => Type == ChannelType.Presence ? _roster : null;

    /// <summary>
    /// Presence: a member joined (<c>pusher_internal:member_added</c> for an id not in the roster). Raised after the
    /// roster is updated; never for an id that is already a member. Bindings of <c>pusher:member_added</c> hear it too.
    /// </summary>
    public event EventHandler<PresenceMemberEventArgs>? MemberAdded;

    /// <summary>
    /// Presence: a member left (<c>pusher_internal:member_removed</c> for an id in the roster). Raised after the roster
    /// is updated. Bindings of <c>pusher:member_removed</c> hear it too.
    /// </summary>
    public event EventHandler<PresenceMemberEventArgs>? MemberRemoved;

    /// <summary>
    /// Presence: the roster was rebuilt from a (re)subscription, raised before <see cref="Subscribed"/>. After a
    /// reconnect it lists who joined and who left while the connection was down.
    /// </summary>
    public event EventHandler<PresenceRosterChangedEventArgs>? RosterChanged;

    /// <summary>
    /// Checks the authorizer's answer before <c>pusher:subscribe</c> is sent. A presence channel needs a
    /// <c>channel_data</c> with a <c>user_id</c>, or a signed-in user (as pusher-js allows).
    /// </summary>
    /// <returns>The reason to fail the subscription, or null.</returns>
    internal ChannelAuthorizationException? AcceptAuthorization(ChannelAuthorization? authorization, string? signedInUserId)
    {
        if (Type != ChannelType.Presence)
        {
            return null;
        }

        if (authorization?.ChannelData is { } channelData)
        {
            if (PresenceParser.ReadUserId(System.Text.Encoding.UTF8.GetBytes(channelData)) is not { } id)
            {
                return new ChannelAuthorizationException(Name, ChannelAuthorizationFailure.InvalidResponse, null,
                    "the channel_data of a presence channel must be JSON with a string or number 'user_id'.");
            }

            _roster.SetMyId(id);
            return null;
        }

        if (signedInUserId is not null)
        {
            _roster.SetMyId(signedInUserId);
            return null;
        }

        return new ChannelAuthorizationException(Name, ChannelAuthorizationFailure.InvalidResponse, null,
            "a presence channel needs 'channel_data' ({\"user_id\":...,\"user_info\":...}) in the auth response, or a signed-in user.");
    }

    /// <summary>Replaces the roster from a subscription_succeeded payload and raises <see cref="RosterChanged"/>.</summary>
    private void ApplyRoster(ReadOnlySpan<byte> data)
    {
        ImmutableSortedDictionary<string, PusherMember>? roster = PresenceParser.ReadRoster(data);
        if (roster is null)
        {
            _client.ReportError(new PusherProtocolException($"The subscription_succeeded of presence channel '{LogSanitizer.Clean(Name)}' carried no presence roster; the roster is empty."));
            roster = ImmutableSortedDictionary.Create<string, PusherMember>(StringComparer.Ordinal);
        }

        ImmutableSortedDictionary<string, PusherMember> previous = _roster.Snapshot;
        bool resubscription = _hadRoster;
        _hadRoster = true;
        _roster.Replace(roster);
        PusherMember[] joined = resubscription ? [.. roster.Values.Where(m => !previous.ContainsKey(m.Id))] : [];
        PusherMember[] left = resubscription ? [.. previous.Values.Where(m => !roster.ContainsKey(m.Id))] : [];
        _client.Raise(RosterChanged, this, new PresenceRosterChangedEventArgs([.. roster.Values], joined, left, resubscription), "pusher:subscription_succeeded");
    }

    /// <returns>True when the event changed the roster and must be dispatched as <c>pusher:member_added</c>/<c>removed</c>.</returns>
    internal bool ApplyMemberEvent(bool added, ReadOnlySpan<byte> data)
    {
        if (Type != ChannelType.Presence || _state != SubscriptionState.Subscribed)
        {
            return false; // before the roster exists: the subscription_succeeded snapshot includes this change
        }

        if (added)
        {
            if (PresenceParser.ReadMember(data) is not { } member || !_roster.Add(member))
            {
                return false;
            }

            _client.Raise(MemberAdded, this, new PresenceMemberEventArgs(member), "pusher:member_added");
            return true;
        }

        if (PresenceParser.ReadUserId(data) is not { } id || _roster.Remove(id) is not { } removed)
        {
            return false;
        }

        _client.Raise(MemberRemoved, this, new PresenceMemberEventArgs(removed), "pusher:member_removed");
        return true;
    }

    private void ClearRoster()
    {
        _roster.Clear();
        _hadRoster = false;
    }
}
