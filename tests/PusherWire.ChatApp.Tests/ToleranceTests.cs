using System.Text;

namespace PusherWire.ChatApp.Tests;

/// <summary>Real-world data that differs from the documentation's samples, and data that is simply broken.</summary>
public class ToleranceTests
{
    private static ChatAppEvent Parse(string eventName, string json, string channel = "") =>
        ChatAppEventSerializer.Deserialize(Encoding.UTF8.GetBytes(eventName), Encoding.UTF8.GetBytes(json), channel);

    private static T Parse<T>(string eventName, string json)
        where T : ChatAppEvent => (T)Parse(eventName, json);

    private static string License(string item, string meta = """{"type":"x","licenseId":1229,"messengerType":"telegram"}""") =>
        $$$"""{"payload":{"data":[{{{item}}}],"meta":{{{meta}}}}}""";

    [TestCase("1229")]
    [TestCase("\"1229\"")]
    [TestCase("\"\\u0031229\"")] // escaped digits take the decoding path
    public void LicenseId_NumberOrString(string licenseId)
    {
        var e = Parse<ChatReadEvent>("chatRead", License("""{"chat":{"id":"c"}}""", $$"""{"licenseId":{{licenseId}},"messengerType":"grWhatsApp"}"""));
        Assert.That(e.Meta.LicenseId, Is.EqualTo(1229));
    }

    [TestCase("685")]
    [TestCase("\"685\"")]
    public void UserIdAndAccessUserId_NumberOrString(string userId)
    {
        string json = $$$$"""{"payload":{"data":[{"type":"edit","quickResponseList":{"id":"1338","access":[{"userId":{{{{userId}}}},"permission":"R"}]}}],"meta":{"type":"quickResponseList","userId":{{{{userId}}}}}}}""";
        var e = Parse<QuickResponseListEvent>("quickResponseList", json);
        Assert.That(e.Meta.UserId, Is.EqualTo(685));
        QuickResponseList list = e.Items[0].QuickResponseList!;
        Assert.That((list.Id, list.Access![0].UserId, list.Access[0].AccessLevel), Is.EqualTo((1338L, 685L, QuickResponseAccessLevel.Read)));
    }

    [Test]
    public void StringIds_AcceptNumbers_AndNumericIdsAcceptStrings()
    {
        var e = Parse<MessageStatusEvent>("messageStatus", License("""{"id":"42213","type":"viewed","chat":{"id":70000000000,"phone":70000000000},"fromApp":{"id":5,"tracking":77}}"""));
        MessageStatusItem item = e.Items[0];
        Assert.That((item.Id, item.Chat!.Id, item.Chat.Phone, item.FromApp!.Id, item.FromApp.Tracking), Is.EqualTo((42213L, "70000000000", "70000000000", "5", "77")));
    }

    [TestCase("grWhatsApp", ChatAppMessenger.GrWhatsApp)]
    [TestCase("GRWHATSAPP", ChatAppMessenger.GrWhatsApp)]
    [TestCase("telegram", ChatAppMessenger.Telegram)]
    [TestCase("Telegram", ChatAppMessenger.Telegram)]
    [TestCase("WhatsApp", ChatAppMessenger.WhatsApp)]
    [TestCase("whatsapp", ChatAppMessenger.WhatsApp)]
    [TestCase("caWhatsApp", ChatAppMessenger.Unknown)]
    [TestCase("", ChatAppMessenger.Unknown)]
    public void MessengerType_CaseInsensitiveEnum_RawKept(string raw, ChatAppMessenger expected)
    {
        var e = Parse<ChatReadEvent>("chatRead", License("""{"chat":{"id":"c"}}""", $$"""{"licenseId":1,"messengerType":"{{raw}}"}"""));
        Assert.That((e.Meta.MessengerType, e.Meta.Messenger), Is.EqualTo((raw, expected)));
    }

    [Test]
    public void MessengerType_Missing_IsNullAndUnknown()
    {
        var e = Parse<ChatReadEvent>("chatRead", License("""{"chat":{"id":"c"}}""", """{"licenseId":1}"""));
        Assert.That((e.Meta.MessengerType, e.Meta.Messenger, e.Meta.Type), Is.EqualTo(((string?)null, ChatAppMessenger.Unknown, (string?)null)));
    }

    [Test]
    public void EnumLikeStrings_AreCaseInsensitive()
    {
        Assert.That(Parse<MessageEvent>("message", License("""{"side":"OUT"}""")).Items[0].Direction, Is.EqualTo(MessageDirection.Outgoing));
        Assert.That(Parse<MessageStatusEvent>("messageStatus", License("""{"type":"Failed"}""")).Items[0].Status, Is.EqualTo(MessageStatus.Failed));
        Assert.That(Parse<ChatTagEvent>("chatTag", License("""{"type":"DESTROY"}""")).Items[0].Action, Is.EqualTo(MembershipAction.Destroy));
        Assert.That(Parse<ChatResponsiblePinEvent>("chatResponsiblePin", License("""{"type":"UnPin"}""")).Items[0].Action, Is.EqualTo(PinAction.Unpin));
        Assert.That(Parse<ChatStatusEvent>("chatStatus", License("""{"type":"Open"}""")).Items[0].Status, Is.EqualTo(ChatStatus.Open));
        Assert.That(Parse<ChatProcessEvent>("chatProcess", License("""{"process":"INWORK"}""")).Items[0].ProcessState, Is.EqualTo(ChatProcessState.InWork));
        Assert.That(Parse<ChatAuditorEvent>("chatAuditor", License("""{"type":"Destroy"}""")).Items[0].Action, Is.EqualTo(MembershipAction.Destroy));
        Assert.That(Parse<ChatAccompliceEvent>("chatAccomplice", License("""{"type":"destroy"}""")).Items[0].Action, Is.EqualTo(MembershipAction.Destroy));
        Assert.That(Parse<EmployeeStatusEvent>("employeeStatus", """{"payload":{"data":[{"type":"Offline"}],"meta":{"companyId":1}}}""").Items[0].Status, Is.EqualTo(EmployeeStatus.Offline));
        Assert.That(Parse<EmployeeWorkdayEvent>("employeeWorkday", """{"payload":{"data":[{"type":"END"}],"meta":{"companyId":1}}}""").Items[0].Action, Is.EqualTo(WorkdayAction.End));
        Assert.That(Parse<QuickResponseEvent>("quickResponse", """{"payload":{"data":[{"type":"Edit"}],"meta":{"userId":1}}}""").Items[0].Action, Is.EqualTo(QuickResponseAction.Edit));
    }

    [Test]
    public void UnknownEnumStrings_MapToUnknown_RawKept_NeverThrow()
    {
        MessageItem message = Parse<MessageEvent>("message", License("""{"side":"sideways"}""")).Items[0];
        Assert.That((message.Side, message.Direction), Is.EqualTo(("sideways", MessageDirection.Unknown)));
        MessageStatusItem status = Parse<MessageStatusEvent>("messageStatus", License("""{"type":"read"}""")).Items[0];
        Assert.That((status.Type, status.Status), Is.EqualTo(("read", MessageStatus.Unknown)));
        ChatStatusItem chat = Parse<ChatStatusEvent>("chatStatus", License("""{"type":"archived"}""")).Items[0];
        Assert.That((chat.Type, chat.Status), Is.EqualTo(("archived", ChatStatus.Unknown)));
        ChatProcessItem process = Parse<ChatProcessEvent>("chatProcess", License("""{"process":"done"}""")).Items[0];
        Assert.That((process.Process, process.ProcessState), Is.EqualTo(("done", ChatProcessState.Unknown)));
        EmployeeStatusItem employee = Parse<EmployeeStatusEvent>("employeeStatus", """{"payload":{"data":[{"type":"busy"}],"meta":{"companyId":1}}}""").Items[0];
        Assert.That((employee.Type, employee.Status), Is.EqualTo(("busy", EmployeeStatus.Unknown)));
        // Enum.TryParse would accept these; the parser must not.
        Assert.That(Parse<ChatTagEvent>("chatTag", License("""{"type":"1"}""")).Items[0].Action, Is.EqualTo(MembershipAction.Unknown));
        Assert.That(Parse<ChatTagEvent>("chatTag", License("""{"type":"add, destroy"}""")).Items[0].Action, Is.EqualTo(MembershipAction.Unknown));
        Assert.That(Parse<QuickResponseEvent>("quickResponse", """{"payload":{"data":[{"type":"Unknown"}],"meta":{"userId":1}}}""").Items[0].Action, Is.EqualTo(QuickResponseAction.Unknown));
    }

    [Test]
    public void ChatProcess_NullOrMissing_IsNone()
    {
        Assert.That(Parse<ChatProcessEvent>("chatProcess", License("""{"process":null,"chat":{"id":"c"}}""")).Items[0].ProcessState, Is.EqualTo(ChatProcessState.None));
        Assert.That(Parse<ChatProcessEvent>("chatProcess", License("""{"chat":{"id":"c"}}""")).Items[0].ProcessState, Is.EqualTo(ChatProcessState.None));
    }

    [Test]
    public void UnknownFields_AreIgnored_AtEveryLevel()
    {
        string json = """
            {"extra":[1,{"a":2}],"payload":{"version":2,"data":[{"id":1,"newField":{"deep":[true]},"chat":{"id":"c","avatarColor":"red"},
             "message":{"text":"hi","reactions":[]}}],"meta":{"type":"message","licenseId":1,"messengerType":"telegram","region":"eu"}}}
            """;
        MessageItem item = Parse<MessageEvent>("message", json).Items[0];
        Assert.That((item.Id, item.Chat!.Id, item.Message!.Text), Is.EqualTo((1L, "c", "hi")));
    }

    [Test]
    public void MissingOrNullOptionalObjects_AreNull_AndMissingIdsAreZero()
    {
        MessageItem item = Parse<MessageEvent>("message", License("""{"chat":null,"fromUser":null}""")).Items[0];
        Assert.That(item, Is.EqualTo(new MessageItem()));
        Assert.That((item.Chat, item.Message, item.FromUser, item.FromApp, item.Side, item.Direction), Is.EqualTo(((ChatInfo?)null, (MessageContent?)null, (MessageAuthor?)null, (AppRef?)null, (string?)null, MessageDirection.Unknown)));

        ChatResponsibleItem responsible = Parse<ChatResponsibleEvent>("chatResponsible", License("""{"responsible":{},"chat":{"id":null},"fromApp":null}""")).Items[0];
        Assert.That((responsible.Responsible!.Id, responsible.Chat!.Id, responsible.FromApp, responsible.Edited), Is.EqualTo((0L, "", (AppRef?)null, (EntityRef?)null)));
    }

    [Test]
    public void NonNullOptionalRawValues_AreKeptAsJson()
    {
        MessageItem item = Parse<MessageEvent>("message", License("""{"quotedMessage":{"id":5,"text":"q"},"utm":{"source":"ad"},"message":{"file":{"link":"https://x/y.png"}}}""")).Items[0];
        Assert.That(item.QuotedMessage!.Value.GetProperty("text").GetString(), Is.EqualTo("q"));
        Assert.That(item.Utm!.Value.GetProperty("source").GetString(), Is.EqualTo("ad"));
        Assert.That(item.Message!.File!.Value.GetProperty("link").GetString(), Is.EqualTo("https://x/y.png"));
    }

    [Test]
    public void EmptyDataList_IsAnEventWithNoItems()
    {
        var e = Parse<ChatReadEvent>("chatRead", License(""));
        Assert.That(e.Items, Is.Empty);
    }

    [Test]
    public void Items_CannotBeMutatedThroughACast()
    {
        var e = Parse<ChatReadEvent>("chatRead", License("""{"chat":{"id":"c"}}"""));
        Assert.That(e.Items, Is.Not.InstanceOf<List<ChatReadItem>>());
        Assert.That(((ICollection<ChatReadItem>)e.Items).IsReadOnly, Is.True);
    }

    [Test]
    public void UnknownEventName_IsUnknownChatAppEvent_WithRawJsonCopied()
    {
        byte[] data = Encoding.UTF8.GetBytes("""{"payload":{"anything":1}}""");
        ChatAppEvent e = ChatAppEventSerializer.Deserialize("chatArchived"u8, data, "private-v1.companies.1");
        var unknown = (UnknownChatAppEvent)e;
        data[0] = (byte)'X';
        Assert.That((unknown.EventName, unknown.Channel, unknown.DataAsString), Is.EqualTo(("chatArchived", "private-v1.companies.1", """{"payload":{"anything":1}}""")));
        Assert.That(ChatAppEventSerializer.IsKnownEvent("chatArchived"u8), Is.False);
        Assert.That(ChatAppEventSerializer.IsKnownEvent("chatArchived"), Is.False);
        Assert.That(ChatAppEventSerializer.IsKnownEvent("chatRead"u8), Is.True);
        Assert.That(ChatAppEventSerializer.IsKnownEvent("ChatRead"), Is.False, "event names are case-sensitive, as Pusher's are");
    }

    [Test]
    public void TypedDeserialize_AndFromPusherMessage()
    {
        string json = License("""{"chat":{"id":"c"}}""");
        ChatReadEvent typed = ChatAppEventSerializer.Deserialize<ChatReadEvent>(Encoding.UTF8.GetBytes(json), "ch");
        Assert.That((typed.Channel, typed.Items[0].Chat!.Id), Is.EqualTo(("ch", "c")));
        Assert.Throws<ArgumentException>(() => ChatAppEventSerializer.Deserialize<ChatAppEvent>(Encoding.UTF8.GetBytes(json)));

        var message = new PusherMessage("private-v1.licenses.1.messengers.telegram", "chatRead", Encoding.UTF8.GetBytes(json), null);
        ChatAppEvent fromMessage = ChatAppEventSerializer.Deserialize(message);
        Assert.That(fromMessage, Is.TypeOf<ChatReadEvent>());
        Assert.That(fromMessage.Channel, Is.EqualTo("private-v1.licenses.1.messengers.telegram"));
        var other = new PusherMessage("c", "future", Encoding.UTF8.GetBytes("[1]"), null);
        Assert.That(((UnknownChatAppEvent)ChatAppEventSerializer.Deserialize(other)).Data, Is.EqualTo(other.Data));
    }

    [Test]
    public void EventWithDataList_ToString_DoesNotDumpItems()
    {
        var e = (ChatReadEvent)Parse("chatRead", License("""{"chat":{"id":"secret-chat"}}"""), "ch");
        Assert.That(e.ToString(), Does.Contain("EventName = chatRead").And.Contain("Items = 1").And.Not.Contain("secret-chat"));
    }

    // ---- malformed data ----

    [TestCase("", "has no data", null)]
    [TestCase("not json", "the data is not valid JSON (error at $ (line 0, byte 1)).", "$")]
    [TestCase("[1,2]", "the value at $ (line 0, byte 1) does not have the expected JSON type.", "$")]
    [TestCase("null", "no 'payload'", "$.payload")]
    [TestCase("{}", "no 'payload'", "$.payload")]
    [TestCase("""{"payload":null}""", "no 'payload'", "$.payload")]
    [TestCase("""{"payload":{"meta":{}}}""", "'payload.data' is missing", "$.payload.data")]
    [TestCase("""{"payload":{"data":{"id":1},"meta":{}}}""", "the value at $.payload.data (line 0, byte 20) does not have the expected JSON type.", "$.payload.data")]
    [TestCase("""{"payload":{"data":[],"meta":null}}""", "'payload.meta' is missing", "$.payload.meta")]
    [TestCase("""{"payload":{"data":[null],"meta":{}}}""", "'payload.data[0]' is null", "$.payload.data[0]")]
    [TestCase("""{"payload":{"data":[{"id":"12ab"}],"meta":{}}}""", "at $.payload.data[0].id (line 0, byte 32): an id string does not hold a whole number.", "$.payload.data[0].id")]
    [TestCase("""{"payload":{"data":[{"id":1.5}],"meta":{}}}""", "an id is not a whole number in the Int64 range.", "$.payload.data[0].id")]
    [TestCase("""{"payload":{"data":[{"id":{"x":1}}],"meta":{}}}""", "not an object", "$.payload.data[0].id")]
    [TestCase("""{"payload":{"data":[{"fromMe":"yes"}],"meta":{}}}""", "does not have the expected JSON type", "$.payload.data[0].fromMe")]
    [TestCase("""{"payload":{"data":[{"chat":"c"}],"meta":{}}}""", "does not have the expected JSON type", "$.payload.data[0].chat")]
    [TestCase("""{"payload":{"data":[{"id":1}],"meta":{"licenseId":true}}}""", "not a boolean", "$.payload.meta.licenseId")]
    [TestCase("""{"payload":{"data":[{"id":1}]""", "the data is not valid JSON", null)]
    public void MalformedData_ThrowsTypedException_NamingEventChannelAndPath(string json, string reason, string? path)
    {
        var error = Assert.Throws<ChatAppEventFormatException>(() => Parse("message", json, "private-v1.licenses.1.messengers.telegram"));
        Assert.That(error.Message, Does.StartWith("Malformed data in ChatApp event 'message' on 'private-v1.licenses.1.messengers.telegram': "));
        Assert.That(error.Message, Does.Contain(reason).IgnoreCase);
        Assert.That((error.EventName, error.Channel), Is.EqualTo(("message", "private-v1.licenses.1.messengers.telegram")));
        if (path is not null)
        {
            Assert.That(error.JsonPath, Is.EqualTo(path));
        }

        Assert.That(error, Is.InstanceOf<PusherException>());
        Assert.That(error.InnerException, Is.Null, "System.Text.Json's message may quote the input");
    }

    [Test]
    public void MalformedData_MessageNeverEchoesThePayload()
    {
        const string Secret = "SENTINEL-8c1f-do-not-log";
        string[] payloads =
        [
            $$$$"""{"payload":{"data":[{"id":"{{{{Secret}}}}"}],"meta":{}}}""",
            $$$$"""{"payload":{"data":[{"fromMe":"{{{{Secret}}}}"}],"meta":{}}}""",
            $$$$"""{"payload":{"data":{"text":"{{{{Secret}}}}"},"meta":{}}}""",
            $$$$"""{"payload":{"data":[{"chat":"{{{{Secret}}}}"}],"meta":{}}}""",
            $$"""{{Secret}}""",
            $$"""{"payload":"{{Secret}}"}""",
            "{\"payload\":{\"data\":[{\"fromMe\":tru" + Secret + "}]}}", // invalid literals are quoted by System.Text.Json
            "nul" + Secret,
        ];
        foreach (string json in payloads)
        {
            var error = Assert.Throws<ChatAppEventFormatException>(() => Parse("message", json));
            Assert.That(error.ToString(), Does.Not.Contain(Secret), json);
        }
    }
}
