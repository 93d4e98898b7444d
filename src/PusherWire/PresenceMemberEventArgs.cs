// Payload of PusherChannel.MemberAdded / MemberRemoved.
namespace PusherWire;

/// <summary>A member joined or left a presence channel; the roster was updated before this was raised.</summary>
public sealed class PresenceMemberEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public PresenceMemberEventArgs(PusherMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        Member = member;
    }

    /// <summary>The member that joined or left.</summary>
    public PusherMember Member { get; }
}
