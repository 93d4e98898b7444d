// A WireMock stand-in for ChatApp's v1 token API, with helpers to script answers and read what was sent.
using System.Globalization;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace PusherWire.ChatApp.Tests.Tokens;

/// <summary>ChatApp's token endpoints on loopback (WireMock), answering what each test scripts.</summary>
internal sealed class TokenApiMock : IDisposable
{
    public const string MakePath = "/v1/tokens";
    public const string RefreshPath = "/v1/tokens/refresh";
    public const string CheckPath = "/v1/tokens/check";

    public TokenApiMock()
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    }

    public WireMockServer Server { get; }

    public Uri BaseUri => new(Server.Urls[0]);

    public ChatAppTokenClientOptions ApiOptions(TimeProvider time) => new()
    {
        ApiBase = BaseUri,
        AllowInsecureTransport = true,
        RetryDelay = TimeSpan.Zero,
        TimeProvider = time,
    };

    public static string Pair(string access, DateTimeOffset accessEnd, string refresh, DateTimeOffset refreshEnd) =>
        string.Create(CultureInfo.InvariantCulture,
            $$$"""{"success":true,"data":{"accessToken":"{{{access}}}","accessTokenEndTime":{{{accessEnd.ToUnixTimeSeconds()}}},"refreshToken":"{{{refresh}}}","refreshTokenEndTime":{{{refreshEnd.ToUnixTimeSeconds()}}}}}""");

    public static string Refusal(string code) => $$$"""{"success":false,"error":{"code":"{{{code}}}","message":"refused"}}""";

    public void Answer(string path, int status, string body, string method = "POST") =>
        Server.Given(Request.Create().WithPath(path).UsingMethod(method))
              .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>Answers <paramref name="bodies"/> in order (the last one repeats), as a WireMock scenario.</summary>
    public void Sequence(string path, params (int Status, string Body)[] bodies)
    {
        string scenario = "seq" + path;
        for (int i = 0; i < bodies.Length; i++)
        {
            var request = Server.Given(Request.Create().WithPath(path).UsingPost()).InScenario(scenario);
            if (i > 0)
            {
                request = request.WhenStateIs($"s{i}");
            }

            if (i < bodies.Length - 1)
            {
                request = request.WillSetStateTo($"s{i + 1}");
            }

            request.RespondWith(Response.Create().WithStatusCode(bodies[i].Status).WithHeader("Content-Type", "application/json").WithBody(bodies[i].Body));
        }
    }

    public IReadOnlyList<ILogEntry> Requests(string path) => [.. Server.LogEntries.Where(e => e.RequestMessage!.Path == path)];

    public void Dispose() => Server.Stop();
}
