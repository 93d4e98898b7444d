// Scripted presence members: members the test adds or removes without a connection of their own.
using System.Text.Json;

namespace PusherWire.Testing;

public sealed partial class PusherTestServer
{
    private readonly Dictionary<string, Dictionary<string, PresenceMember>> _scriptedMembers = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a member to <paramref name="channelName"/>'s roster, as if another user subscribed: later subscribers see it
    /// in their roster, current ones get <c>pusher_internal:member_added</c> (only when the id is new, as Pusher does).
    /// </summary>
    /// <returns>How many connections were told.</returns>
    public async Task<int> AddPresenceMemberAsync(string channelName, PresenceMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        bool isNew;
        lock (_gate)
        {
            if (!_scriptedMembers.TryGetValue(channelName, out Dictionary<string, PresenceMember>? members))
            {
                _scriptedMembers[channelName] = members = new Dictionary<string, PresenceMember>(StringComparer.Ordinal);
            }

            isNew = members.TryAdd(member.UserId, member);
        }

        return isNew
            ? await BroadcastAsync(channelName, PusherFrames.Internal("pusher_internal:member_added", channelName, PusherFrames.MemberJson(member)), except: null, cancellationToken).ConfigureAwait(false)
            : 0;
    }

    /// <summary>Removes a member added with <see cref="AddPresenceMemberAsync"/>; subscribers get <c>pusher_internal:member_removed</c>.</summary>
    /// <returns>How many connections were told (0 when it was not a member).</returns>
    public async Task<int> RemovePresenceMemberAsync(string channelName, string userId, CancellationToken cancellationToken = default)
    {
        bool removed;
        lock (_gate)
        {
            removed = _scriptedMembers.TryGetValue(channelName, out Dictionary<string, PresenceMember>? members) && members.Remove(userId);
        }

        return removed
            ? await BroadcastAsync(channelName, PusherFrames.Internal("pusher_internal:member_removed", channelName, $$"""{"user_id":{{JsonSerializer.Serialize(userId, TestingJsonContext.Default.String)}}}"""), except: null, cancellationToken).ConfigureAwait(false)
            : 0;
    }

    private void AddScriptedMembers(string channelName, Dictionary<string, PresenceMember> members)
    {
        lock (_gate)
        {
            if (_scriptedMembers.TryGetValue(channelName, out Dictionary<string, PresenceMember>? scripted))
            {
                foreach ((string id, PresenceMember member) in scripted)
                {
                    members[id] = member;
                }
            }
        }
    }
}
