// ChatAppFileTokenStore: ChatApp's data shape, owner-only permissions, atomic replace, typed errors without content.
namespace PusherWire.ChatApp.Tests.Tokens;

public class FileTokenStoreTests
{
    private static readonly ChatAppTokenPair Pair = new("acc-SENTINEL", new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero), "ref-SENTINEL", new DateTimeOffset(2026, 12, 16, 12, 0, 0, TimeSpan.Zero));

    [Test, CancelAfter(60_000)]
    public async Task Save_ThenLoad_RoundTrips_InChatAppsDataShape(CancellationToken ct)
    {
        using var dir = new TempDirectory();
        var store = new ChatAppFileTokenStore(dir.File("tokens.json"));

        await store.SaveAsync(Pair, ct);

        Assert.That(await store.LoadAsync(ct), Is.EqualTo(Pair));
        string json = await File.ReadAllTextAsync(store.Path, ct);
        Assert.That(json, Does.Contain($"\"accessTokenEndTime\": {Pair.AccessTokenEndTime.ToUnixTimeSeconds()}").And.Contain("\"refreshToken\": \"ref-SENTINEL\""));
        Assert.That(Directory.GetFiles(dir.Path), Is.EqualTo(new[] { store.Path }), "no temporary file is left behind");
    }

    [Test, CancelAfter(60_000), Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Save_CreatesTheFileOwnerOnly_AndKeepsItSoOnReplace(CancellationToken ct)
    {
        using var dir = new TempDirectory();
        var store = new ChatAppFileTokenStore(dir.File("tokens.json"));
        await store.SaveAsync(Pair, ct);
        Assert.That(File.GetUnixFileMode(store.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        // A file the user made world-readable is replaced by a new owner-only one, not written in place.
        File.SetUnixFileMode(store.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        await store.SaveAsync(Pair with { AccessToken = "acc-2" }, ct);
        Assert.That(File.GetUnixFileMode(store.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That((await store.LoadAsync(ct))!.AccessToken, Is.EqualTo("acc-2"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Load_AMissingFile_IsNull(CancellationToken ct)
    {
        using var dir = new TempDirectory();
        Assert.That(await new ChatAppFileTokenStore(dir.File("none.json")).LoadAsync(ct), Is.Null);
    }

    [Test, CancelAfter(60_000)]
    public async Task Load_AWholeMakeAnswer_IsAccepted(CancellationToken ct)
    {
        using var dir = new TempDirectory();
        string path = dir.File("answer.json");
        await File.WriteAllTextAsync(path, TokenApiMock.Pair("a", Pair.AccessTokenEndTime, "r", Pair.RefreshTokenEndTime), ct);
        Assert.That((await new ChatAppFileTokenStore(path).LoadAsync(ct))!.RefreshToken, Is.EqualTo("r"));
    }

    [TestCase("""{"accessToken":"acc-SENTINEL"}""")]
    [TestCase("""acc-SENTINEL""")]
    [TestCase("""{"accessToken":"acc-SENTINEL","accessTokenEndTime":"soon","refreshToken":"r","refreshTokenEndTime":1}""")]
    [CancelAfter(60_000)]
    public async Task Load_ACorruptFile_IsAStoreError_WithoutItsContent(string content, CancellationToken ct)
    {
        using var dir = new TempDirectory();
        string path = dir.File("tokens.json");
        await File.WriteAllTextAsync(path, content, ct);

        var e = await Assert.ThrowsAsync<ChatAppTokenException>(async () => await new ChatAppFileTokenStore(path).LoadAsync(ct));
        Assert.That(e!.Failure, Is.EqualTo(ChatAppTokenFailure.Store));
        Assert.That(e.ToString(), Does.Contain(path).And.Not.Contain("SENTINEL"));
    }
}
