// listen's records for presence rosters, user sign-in and the watchlist (docs/cli.md).
using System.Text.Json;

namespace PusherWire.Cli.Output;

internal sealed partial class EventWriter
{
    /// <summary><c>{"kind":"members","channel":C,"count":N,"me":"id","ids":[...]}</c> after every (re)subscription; ids sorted.</summary>
    public void Members(string channel, PresenceMemberCollection members)
    {
        IReadOnlyList<string> ids = members.Ids; // sorted ordinally by the collection
        string? me = members.MyId;
        Write(json =>
        {
            json.WriteString("kind", "members");
            json.WriteString("channel", channel);
            json.WriteNumber("count", ids.Count);
            if (me is null)
            {
                json.WriteNull("me");
            }
            else
            {
                json.WriteString("me", me);
            }

            json.WriteStartArray("ids");
            foreach (string id in ids)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
        }, () => $"members    {channel}: {ids.Count} ({Clean(string.Join(", ", ids))}), me {Clean(me)}");
    }

    /// <summary><c>{"kind":"member_added","channel":C,"id":"id","info":user_info}</c>.</summary>
    public void MemberAdded(string channel, PusherMember member) => Write(json =>
    {
        json.WriteString("kind", "member_added");
        json.WriteString("channel", channel);
        json.WriteString("id", member.Id);
        json.WritePropertyName("info");
        if (member.InfoJson is { } info)
        {
            json.WriteRawValue(info);
        }
        else
        {
            json.WriteNullValue();
        }
    }, () => $"joined     {channel}: {Clean(member.Id)} {Clean(member.InfoJson)}");

    /// <summary><c>{"kind":"member_removed","channel":C,"id":"id"}</c>.</summary>
    public void MemberRemoved(string channel, PusherMember member) => Write(json =>
    {
        json.WriteString("kind", "member_removed");
        json.WriteString("channel", channel);
        json.WriteString("id", member.Id);
    }, () => $"left       {channel}: {Clean(member.Id)}");

    /// <summary><c>{"kind":"signed_in","userId":"id"}</c>.</summary>
    public void SignedIn(string userId) => Write(json =>
    {
        json.WriteString("kind", "signed_in");
        json.WriteString("userId", userId);
    }, () => $"signed in  as {Clean(userId)}");

    /// <summary><c>{"kind":"watchlist","event":"online"|"offline","userIds":[...]}</c>.</summary>
    public void Watchlist(WatchlistEventArgs e) => Write(json =>
    {
        json.WriteString("kind", "watchlist");
        json.WriteString("event", e.Name);
        json.WriteStartArray("userIds");
        foreach (string id in e.UserIds)
        {
            json.WriteStringValue(id);
        }

        json.WriteEndArray();
    }, () => $"watchlist  {Clean(e.Name)}: {Clean(string.Join(", ", e.UserIds))}");
}
