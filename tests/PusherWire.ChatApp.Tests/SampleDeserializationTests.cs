using PusherWire.ChatApp.Tests.Samples;

namespace PusherWire.ChatApp.Tests;

/// <summary>
/// Every sample of ChatApp's documentation, every field asserted. Records compare by value, so comparing with an expected
/// record checks all of its fields; enum views are asserted separately. <see cref="RoundTripTests"/> additionally proves
/// that no JSON member of any sample is left unmapped.
/// </summary>
public class SampleDeserializationTests
{
    private static readonly LicenseMessengerMeta GrWhatsAppMeta = new() { LicenseId = 1229, MessengerType = "grWhatsApp" };
    private static readonly ChatInfo CusChat = new() { Id = "70000000000@c.us" };
    private static readonly AppRef App1231 = new() { Id = "app_123_1" };
    private static readonly EntityRef User685 = new() { Id = 685 };

    [Test]
    public void Samples_AreTheTwentyOfTheDocumentation_CoveringAllSeventeenEvents()
    {
        Assert.That(ChatAppSamples.All, Has.Count.EqualTo(20));
        Assert.That(ChatAppSamples.All.Select(s => s.EventName).Distinct(), Is.EquivalentTo(ChatAppEventSerializer.EventNames));
        Assert.That(ChatAppEventSerializer.EventNames, Has.Count.EqualTo(17));
    }

    [Test]
    public void Message()
    {
        MessageEvent e = ChatAppSamples.Parse<MessageEvent>("message");
        Assert.That(e.Meta, Is.EqualTo(new LicenseMessengerMeta { Type = "message", LicenseId = 1229, MessengerType = "telegram" }));
        Assert.That(e.Meta.Messenger, Is.EqualTo(ChatAppMessenger.Telegram));
        Assert.That(e.Items, Has.Count.EqualTo(1));
        MessageItem item = e.Items[0];
        Assert.That(item, Is.EqualTo(new MessageItem
        {
            Id = 696,
            FromApi = false,
            FromMe = false,
            Side = "in",
            Time = 1637319282,
            IsForwarded = false,
            Type = "text",
            Subtype = null,
            Message = new MessageContent { Text = "Test", Caption = "", File = null },
            QuotedMessage = null,
            FromUser = new MessageAuthor { Id = 1480675234, Username = "username_test", Name = "Test Test", Phone = "7000000000" },
            Chat = new ChatInfo
            {
                Id = "private-1480005234h1360003129730259258",
                Hash = "h1360003129730259258",
                Type = "private",
                Phone = "7000000000",
                Username = "username_test",
                Name = "Test Test",
                Image = "https://telegramclientapi.app24.online/GetDialogPhoto/3bf70000-941b-4e19-bc31-56e150a0e900",
            },
            FromApp = null,
            Utm = null,
            Created = null,
        }));
        Assert.That(item.Direction, Is.EqualTo(MessageDirection.Incoming));
        Assert.That(item.SentAt, Is.EqualTo(new DateTimeOffset(2021, 11, 19, 10, 54, 42, TimeSpan.Zero)));
    }

    [Test]
    public void MessageStatus()
    {
        MessageStatusEvent e = ChatAppSamples.Parse<MessageStatusEvent>("messageStatus");
        Assert.That(e.Meta, Is.EqualTo(new LicenseMessengerMeta { Type = "messageStatus", LicenseId = 1229, MessengerType = "telegram" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new MessageStatusItem
            {
                Id = 42213,
                Type = "delivered",
                Chat = new ChatInfo
                {
                    Id = "private-1480000234h1367520000730259258",
                    Hash = "h1367520000730259258",
                    Type = "private",
                    Phone = "70000000000",
                    Username = "username_test",
                },
                FromApp = new AppRef { Id = "app_123_1", Tracking = null },
                Error = null,
            },
        }));
        Assert.That(e.Items[0].Status, Is.EqualTo(ChatApp.MessageStatus.Delivered));
    }

    [Test]
    public void ChatTag()
    {
        ChatTagEvent e = ChatAppSamples.Parse<ChatTagEvent>("chatTag");
        Assert.That(e.Meta, Is.EqualTo(new LicenseMessengerMeta { Type = "chatTag", LicenseId = 1229, MessengerType = "telegram" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatTagItem
            {
                Type = "add",
                Tag = new ChatTag
                {
                    Id = 29,
                    Name = "test 1",
                    Color = "#123df55",
                    Sort = 100,
                    Category = new ChatTagCategory { Id = 9, Name = "test 1", Sort = 100 },
                },
                Chat = new ChatInfo { Id = "group-54911000655" },
            },
        }));
        Assert.That(e.Items[0].Action, Is.EqualTo(MembershipAction.Add));
    }

    [Test]
    public void ChatConversation()
    {
        ChatConversationEvent e = ChatAppSamples.Parse<ChatConversationEvent>("chatConversation");
        Assert.That(e.Meta, Is.EqualTo(new LicenseMessengerMeta { Type = "chatConversation", LicenseId = 1229, MessengerType = "WhatsApp" }));
        Assert.That(e.Meta.Messenger, Is.EqualTo(ChatAppMessenger.WhatsApp));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatConversationItem
            {
                Conversation = new ConversationWindow { Id = "ccb637d17ba3aced8051abc263bd72e4", Type = "BIC", StartTime = 1644500500, EndTime = 1644586900 },
                Chat = new ChatInfo { Id = "70000000000" },
            },
        }));
        ConversationWindow window = e.Items[0].Conversation!;
        Assert.That(window.EndsAt - window.StartsAt, Is.EqualTo(TimeSpan.FromHours(24)));
        Assert.That(window.StartsAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1644500500)));
    }

    [Test]
    public void ChatStatus()
    {
        ChatStatusEvent e = ChatAppSamples.Parse<ChatStatusEvent>("chatStatus");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatStatus" }));
        Assert.That(e.Meta.Messenger, Is.EqualTo(ChatAppMessenger.GrWhatsApp));
        Assert.That(e.Items, Is.EqualTo(new[] { new ChatStatusItem { Type = "close", Chat = CusChat } }));
        Assert.That(e.Items[0].Status, Is.EqualTo(ChatApp.ChatStatus.Close));
    }

    [Test]
    public void ChatResponsible()
    {
        ChatResponsibleEvent e = ChatAppSamples.Parse<ChatResponsibleEvent>("chatResponsible");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatResponsible" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatResponsibleItem { Responsible = User685, Chat = CusChat, FromApp = App1231, Edited = User685 },
        }));
    }

    [Test]
    public void ChatResponsiblePin()
    {
        ChatResponsiblePinEvent e = ChatAppSamples.Parse<ChatResponsiblePinEvent>("chatResponsiblePin");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatResponsiblePin" }));
        Assert.That(e.Items, Is.EqualTo(new[] { new ChatResponsiblePinItem { Type = "pin", Chat = CusChat } }));
        Assert.That(e.Items[0].Action, Is.EqualTo(PinAction.Pin));
    }

    [Test]
    public void ChatProducer()
    {
        ChatProducerEvent e = ChatAppSamples.Parse<ChatProducerEvent>("chatProducer");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatProducer" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatProducerItem { Producer = User685, Chat = CusChat, FromApp = App1231, Edited = User685 },
        }));
    }

    [Test]
    public void ChatAccomplice()
    {
        ChatAccompliceEvent e = ChatAppSamples.Parse<ChatAccompliceEvent>("chatAccomplice");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatAccomplice" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatAccompliceItem { Type = "add", Accomplice = User685, Chat = CusChat, FromApp = App1231, Edited = User685 },
        }));
        Assert.That(e.Items[0].Action, Is.EqualTo(MembershipAction.Add));
    }

    [Test]
    public void ChatAuditor()
    {
        ChatAuditorEvent e = ChatAppSamples.Parse<ChatAuditorEvent>("chatAuditor");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatAuditor" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatAuditorItem { Type = "add", Auditor = User685, Chat = CusChat, FromApp = App1231, Edited = User685 },
        }));
        Assert.That(e.Items[0].Action, Is.EqualTo(MembershipAction.Add));
    }

    [Test]
    public void ChatLevel()
    {
        ChatLevelEvent e = ChatAppSamples.Parse<ChatLevelEvent>("chatLevel");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatLevel" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatLevelItem { Level = new EntityRef { Id = 555 }, Chat = CusChat, FromApp = new AppRef { Id = "app_685_1" }, Edited = User685 },
        }));
    }

    [Test]
    public void ChatRead_LicenseIdSentAsString()
    {
        ChatReadEvent e = ChatAppSamples.Parse<ChatReadEvent>("chatRead");
        using (var sample = System.Text.Json.JsonDocument.Parse(ChatAppSamples.Get("chatRead").Data))
        {
            Assert.That(sample.RootElement.GetProperty("payload").GetProperty("meta").GetProperty("licenseId").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.String), "the sample really has a string id");
        }

        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatRead" }));
        Assert.That(e.Items, Is.EqualTo(new[] { new ChatReadItem { Chat = new ChatInfo { Id = "7000000000@c.us" } } }));
    }

    [Test]
    public void ChatProcess()
    {
        ChatProcessEvent e = ChatAppSamples.Parse<ChatProcessEvent>("chatProcess");
        Assert.That(e.Meta, Is.EqualTo(GrWhatsAppMeta with { Type = "chatProcess" }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new ChatProcessItem { Process = "inWork", Chat = CusChat, FromApp = new AppRef { Id = "app_685_1" }, Edited = User685 },
        }));
        Assert.That(e.Items[0].ProcessState, Is.EqualTo(ChatProcessState.InWork));
    }

    [Test]
    public void EmployeeStatus()
    {
        EmployeeStatusEvent e = ChatAppSamples.Parse<EmployeeStatusEvent>("employeeStatus");
        Assert.That(e.Meta, Is.EqualTo(new CompanyMeta { Type = "employeeStatus", CompanyId = 2226 }));
        Assert.That(e.Items, Is.EqualTo(new[] { new EmployeeStatusItem { Type = "online", Employee = User685 } }));
        Assert.That(e.Items[0].Status, Is.EqualTo(ChatApp.EmployeeStatus.Online));
    }

    [Test]
    public void EmployeeWorkday_LiteralStartOrEndOfTheDocumentation_IsUnknownWithRawKept()
    {
        EmployeeWorkdayEvent e = ChatAppSamples.Parse<EmployeeWorkdayEvent>("employeeWorkday");
        Assert.That(e.Meta, Is.EqualTo(new CompanyMeta { Type = "employeeWorkday", CompanyId = 2226 }));
        Assert.That(e.Items, Is.EqualTo(new[] { new EmployeeWorkdayItem { Type = "start|end", Employee = User685 } }));
        Assert.That(e.Items[0].Action, Is.EqualTo(WorkdayAction.Unknown));
    }

    [Test]
    public void QuickResponseList_Create()
    {
        QuickResponseListEvent e = ChatAppSamples.Parse<QuickResponseListEvent>("quickResponseList", 0);
        Assert.That(e.Meta, Is.EqualTo(new UserMeta { Type = "quickResponseList", UserId = 685 }));
        Assert.That(e.Items, Has.Count.EqualTo(1));
        QuickResponseListItem item = e.Items[0];
        Assert.That((item.Type, item.Action), Is.EqualTo(("create", QuickResponseAction.Create)));
        QuickResponseList list = item.QuickResponseList!;
        Assert.That((list.Id, list.Name, list.Sort), Is.EqualTo((1338L, "List name", (int?)100)));
        Assert.That(list.Access, Is.EqualTo(new[]
        {
            new QuickResponseAccess { UserId = 685, Email = "test@test.test", Permission = "w" },
            new QuickResponseAccess { UserId = 124, Email = "test2@test.test", Permission = "r" },
        }));
        Assert.That(list.Access!.Select(a => a.AccessLevel), Is.EqualTo(new[] { QuickResponseAccessLevel.Write, QuickResponseAccessLevel.Read }));
    }

    [Test]
    public void QuickResponseList_Destroy_OnlyId()
    {
        QuickResponseListEvent e = ChatAppSamples.Parse<QuickResponseListEvent>("quickResponseList", 1);
        Assert.That(e.Meta, Is.EqualTo(new UserMeta { Type = "quickResponseList", UserId = 685 }));
        QuickResponseListItem item = e.Items.Single();
        Assert.That((item.Type, item.Action), Is.EqualTo(("destroy", QuickResponseAction.Destroy)));
        QuickResponseList list = item.QuickResponseList!;
        Assert.That((list.Id, list.Name, list.Sort, list.Access), Is.EqualTo((1338L, (string?)null, (int?)null, (IReadOnlyList<QuickResponseAccess>?)null)));
    }

    [Test]
    public void QuickResponse_Create()
    {
        QuickResponseEvent e = ChatAppSamples.Parse<QuickResponseEvent>("quickResponse", 0);
        Assert.That(e.Meta, Is.EqualTo(new UserMeta { Type = "quickResponse", UserId = 685 }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new QuickResponseItem
            {
                Type = "create",
                QuickResponseList = new QuickResponseList { Id = 1339 },
                QuickResponse = new QuickResponse
                {
                    Id = 1197,
                    Name = "Response name",
                    Sort = 300,
                    Parent = null,
                    Text = "Detail text",
                    Keywords = "test test2 test4",
                    EnableAI = true,
                },
            },
        }));
        Assert.That(e.Items[0].Action, Is.EqualTo(QuickResponseAction.Create));
    }

    [Test]
    public void QuickResponse_Destroy()
    {
        QuickResponseEvent e = ChatAppSamples.Parse<QuickResponseEvent>("quickResponse", 1);
        Assert.That(e.Meta, Is.EqualTo(new UserMeta { Type = "quickResponse", UserId = 685 }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new QuickResponseItem { Type = "destroy", QuickResponseList = new QuickResponseList { Id = 1339 }, QuickResponse = new QuickResponse { Id = 1197 } },
        }));
        Assert.That(e.Items[0].Action, Is.EqualTo(QuickResponseAction.Destroy));
    }

    [Test]
    public void QuickResponse_BulkDestroy_YieldsBothItemsInOrder()
    {
        QuickResponseEvent e = ChatAppSamples.Parse<QuickResponseEvent>("quickResponse", 2);
        Assert.That(e.Meta, Is.EqualTo(new UserMeta { Type = "quickResponse", UserId = 685 }));
        Assert.That(e.Items, Is.EqualTo(new[]
        {
            new QuickResponseItem { Type = "destroy", QuickResponseList = new QuickResponseList { Id = 1339 }, QuickResponse = new QuickResponse { Id = 1197 } },
            new QuickResponseItem { Type = "destroy", QuickResponseList = new QuickResponseList { Id = 1339 }, QuickResponse = new QuickResponse { Id = 1198 } },
        }));
        Assert.That(e.Items.Select(i => i.Action), Is.All.EqualTo(QuickResponseAction.Destroy));
    }

    [Test]
    public void EverySample_IsItsTypedEvent_OnItsChannelKind_WithMetaTypeEqualToTheEventName()
    {
        foreach (ChatAppSamples.Sample sample in ChatAppSamples.All)
        {
            ChatAppEvent e = ChatAppEventSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(sample.EventName), sample.Data);
            Assert.That(e, Is.Not.InstanceOf<UnknownChatAppEvent>(), sample.ToString());
            Assert.That(e.GetType().Name, Is.EqualTo(char.ToUpperInvariant(sample.EventName[0]) + sample.EventName[1..] + "Event"), sample.ToString());
            Assert.That(e.Channel, Is.Empty);
            string expectedKind = ChatAppEventSerializer.GetChannelKind(sample.EventName) switch
            {
                ChatAppChannelKind.LicenseMessenger => "licenseMessenger",
                ChatAppChannelKind.Company => "company",
                ChatAppChannelKind.User => "user",
                _ => "?",
            };
            Assert.That(sample.Kind, Is.EqualTo(expectedKind), sample.ToString());
            var meta = (ChatAppMeta)e.GetType().GetProperty("Meta")!.GetValue(e)!;
            Assert.That(meta.Type, Is.EqualTo(sample.EventName), sample.ToString());
        }
    }

    [Test]
    public void ChatChanges_ShareOneShape_WhoChangedWhichChat()
    {
        string[] changes = ["chatResponsible", "chatProducer", "chatAccomplice", "chatAuditor", "chatLevel", "chatProcess"];

        var items = changes.Select(name => ChatAppEventSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(name), ChatAppSamples.Get(name).Data))
            .Select(e => (System.Collections.IEnumerable)e.GetType().GetProperty("Items")!.GetValue(e)!)
            .SelectMany(list => list.Cast<object>())
            .ToList();

        Assert.That(items, Has.Count.EqualTo(6).And.All.InstanceOf<ChatChangeItem>());
        Assert.That(items.Cast<ChatChangeItem>().Select(i => i.Edited?.Id), Has.All.EqualTo(685));
        Assert.That(items.Cast<ChatChangeItem>().Select(i => i.Chat?.Id), Has.All.EqualTo("70000000000@c.us"));
        Assert.That(items.Cast<ChatChangeItem>().Select(i => i.FromApp?.Id), Has.All.StartWith("app_"));
    }
}
