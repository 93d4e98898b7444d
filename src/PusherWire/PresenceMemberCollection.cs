// The roster of a presence channel (pusher-js members.ts), readable from any thread.
using System.Collections;
using System.Collections.Immutable;

namespace PusherWire;

/// <summary>
/// The members of a presence channel: <see cref="Me"/>, <see cref="Count"/>, lookup by id and enumeration. Built from
/// <c>pusher_internal:subscription_succeeded</c> and kept current by <c>member_added</c> / <c>member_removed</c>.
/// </summary>
/// <remarks>
/// Thread-safe: the roster is an immutable snapshot swapped atomically, so an enumeration sees one consistent roster
/// even while the receive loop updates it. After a connection loss the last roster stays readable until the
/// resubscription replaces it (see <see cref="PusherChannel.RosterChanged"/>); check <see cref="PusherChannel.IsSubscribed"/>
/// to know whether it is live.
/// </remarks>
public sealed class PresenceMemberCollection : IReadOnlyCollection<PusherMember>
{
    private ImmutableSortedDictionary<string, PusherMember> _members = ImmutableSortedDictionary.Create<string, PusherMember>(StringComparer.Ordinal);
    private string? _myId;

    internal PresenceMemberCollection()
    {
    }

    /// <summary>How many members the roster holds (distinct user ids).</summary>
    public int Count => Volatile.Read(ref _members).Count;

    /// <summary>Our own user id, from the authorizer's <c>channel_data</c> (or the signed-in user); null before the first authorization.</summary>
    public string? MyId => Volatile.Read(ref _myId);

    /// <summary>Our own member entry; null until the roster holding it arrived.</summary>
    public PusherMember? Me => MyId is { } id ? Get(id) : null;

    /// <summary>The member with <paramref name="id"/>, or null.</summary>
    public PusherMember? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Volatile.Read(ref _members).TryGetValue(id, out PusherMember? member) ? member : null;
    }

    /// <summary>Looks up the member with <paramref name="id"/>.</summary>
    public bool TryGet(string id, out PusherMember? member)
    {
        member = Get(id);
        return member is not null;
    }

    /// <summary>The member ids, sorted ordinally.</summary>
    public IReadOnlyList<string> Ids => [.. Volatile.Read(ref _members).Keys];

    /// <summary>Enumerates a snapshot of the roster, ordered by id.</summary>
    public IEnumerator<PusherMember> GetEnumerator() => Volatile.Read(ref _members).Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"PresenceMemberCollection {{ Count = {Count}, MyId = {LogSanitizer.Clean(MyId)} }}";

    internal ImmutableSortedDictionary<string, PusherMember> Snapshot => Volatile.Read(ref _members);

    internal void SetMyId(string? id) => Volatile.Write(ref _myId, id);

    internal void Replace(ImmutableSortedDictionary<string, PusherMember> roster) => Volatile.Write(ref _members, roster);

    /// <returns>False when the id was there already (its info is updated, but it is not a new member).</returns>
    internal bool Add(PusherMember member)
    {
        ImmutableSortedDictionary<string, PusherMember> current = Volatile.Read(ref _members);
        bool isNew = !current.ContainsKey(member.Id);
        Volatile.Write(ref _members, current.SetItem(member.Id, member));
        return isNew;
    }

    internal PusherMember? Remove(string id)
    {
        ImmutableSortedDictionary<string, PusherMember> current = Volatile.Read(ref _members);
        if (!current.TryGetValue(id, out PusherMember? member))
        {
            return null;
        }

        Volatile.Write(ref _members, current.Remove(id));
        return member;
    }

    internal void Clear() => Volatile.Write(ref _members, _members.Clear());
}
