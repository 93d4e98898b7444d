// The emulated token API: /v1/tokens (make), /v1/tokens/refresh and /v1/tokens/check, answering in ChatApp's JSON shape.
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PusherWire.Testing;

/// <summary>
/// Serves the token API of <see cref="TestTokenEndpointsOptions"/>: <c>{"success":true,"data":{...pair...}}</c> on
/// success, <c>{"success":false,"error":{"code","message"}}</c> with 401 on a refusal.
/// </summary>
internal static class TokenEndpointHandler
{
    public const string MakePath = "/v1/tokens";
    public const string RefreshPath = "/v1/tokens/refresh";
    public const string CheckPath = "/v1/tokens/check";

    /// <summary>The body of a refusal for an invalid or expired access token (also used by /broadcasting/auth).</summary>
    public const string InvalidTokenBody = """{"success":false,"error":{"code":"ApiInvalidTokenError","message":"The token is invalid or expired."}}""";

    /// <summary>Which operation <paramref name="path"/> and <paramref name="method"/> name, or null.</summary>
    public static TestTokenOperation? Match(string path, string method) =>
        path.EndsWith(RefreshPath, StringComparison.Ordinal) && HttpMethods.IsPost(method) ? TestTokenOperation.Refresh
        : path.EndsWith(CheckPath, StringComparison.Ordinal) && HttpMethods.IsGet(method) ? TestTokenOperation.Check
        : path.EndsWith(MakePath, StringComparison.Ordinal) && HttpMethods.IsPost(method) ? TestTokenOperation.Make
        : null;

    public static async Task HandleAsync(TestTokenAuthority authority, TestTokenOperation operation, HttpContext context)
    {
        authority.CountRequest(operation);
        if (authority.Options.Interceptor?.Invoke(operation) is { } scripted)
        {
            await TestHttp.WriteAsync(context, scripted.StatusCode, scripted.Body, scripted.ContentType).ConfigureAwait(false);
            return;
        }

        switch (operation)
        {
            case TestTokenOperation.Make:
                await MakeAsync(authority, context).ConfigureAwait(false);
                break;
            case TestTokenOperation.Refresh:
                TestTokenPair? next = authority.Refresh(context.Request.Headers["Refresh"].ToString());
                await (next is null
                    ? TestHttp.WriteAsync(context, StatusCodes.Status401Unauthorized, """{"success":false,"error":{"code":"ApiInvalidTokenError","message":"The refresh token is invalid or expired."}}""")
                    : WritePairAsync(context, next)).ConfigureAwait(false);
                break;
            default:
                await (authority.IsAccessTokenValid(context.Request.Headers.Authorization.ToString())
                    ? TestHttp.WriteAsync(context, StatusCodes.Status200OK, """{"success":true,"data":[]}""")
                    : TestHttp.WriteAsync(context, StatusCodes.Status401Unauthorized, InvalidTokenBody)).ConfigureAwait(false);
                break;
        }
    }

    private static async Task MakeAsync(TestTokenAuthority authority, HttpContext context)
    {
        TestTokenEndpointsOptions options = authority.Options;
        string? email = null, password = null, appId = null;
        try
        {
            using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                email = Read(body.RootElement, "email");
                password = Read(body.RootElement, "password");
                appId = Read(body.RootElement, "appId");
            }
        }
        catch (JsonException)
        {
            // Answered as a validation error below.
        }

        if (email is null || password is null || appId is null)
        {
            await TestHttp.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, """{"success":false,"error":{"code":"ApiValidationError","message":"email, password and appId are required."}}""").ConfigureAwait(false);
            return;
        }

        bool ok = string.Equals(email, options.Email, StringComparison.OrdinalIgnoreCase)
            & TestHttp.SecretEquals(password, options.Password)
            & string.Equals(appId, options.AppId, StringComparison.Ordinal);
        await (ok
            ? WritePairAsync(context, authority.Issue())
            : TestHttp.WriteAsync(context, StatusCodes.Status401Unauthorized, """{"success":false,"error":{"code":"ApiAuthError","message":"Wrong email, password or appId."}}""")).ConfigureAwait(false);
    }

    private static string? Read(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Task WritePairAsync(HttpContext context, TestTokenPair pair) =>
        TestHttp.WriteAsync(context, StatusCodes.Status200OK, $$"""{"success":true,"data":{{pair.ToDataJson()}}}""");
}
