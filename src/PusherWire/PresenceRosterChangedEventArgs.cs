// Payload of PusherChannel.RosterChanged: a new roster from a (re)subscription and how it differs from the last one.
namespace PusherWire;

/// <summary>
/// A presence channel's roster was (re)built from <c>pusher_internal:subscription_succeeded</c>. After a reconnect,
/// <see cref="Joined"/> and <see cref="Left"/> say who came and went while we were away (pusher-js swaps the roster
/// silently).
/// </summary>
public sealed class PresenceRosterChangedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public PresenceRosterChangedEventArgs(IReadOnlyList<PusherMember> members, IReadOnlyList<PusherMember> joined, IReadOnlyList<PusherMember> left, bool isResubscription)
    {
        Members = members;
        Joined = joined;
        Left = left;
        IsResubscription = isResubscription;
    }

    /// <summary>The new roster, ordered by id.</summary>
    public IReadOnlyList<PusherMember> Members { get; }

    /// <summary>Members in the new roster that were not in the previous one (empty on the first subscription).</summary>
    public IReadOnlyList<PusherMember> Joined { get; }

    /// <summary>Members of the previous roster missing from the new one (empty on the first subscription).</summary>
    public IReadOnlyList<PusherMember> Left { get; }

    /// <summary>True when this roster replaces one from an earlier connection.</summary>
    public bool IsResubscription { get; }
}
