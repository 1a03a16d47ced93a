using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// A JSON API on 127.0.0.1 that pages the same widgets five ways (body next link, Link header, body cursor token,
/// offset/limit with a total, page numbers with a page count), filters by <c>updated_since</c> (inclusive), sorts by
/// update time, and checks one auth style at a time, answering like real APIs do: 401 with a JSON message, 429 with
/// Retry-After, an OAuth token endpoint (RFC 6749 errors) whose refresh tokens rotate and stop working once used.
/// Faults are injected per path prefix.
/// </summary>
public sealed class FakeRestApi : IAsyncDisposable
{
    public const string Token = "tok_live_6f1c0a9d2b7e";
    public const string ApiKey = "key_8d7e6c5b4a39";
    public const string User = "loader";
    public const string Password = "pw_Zq9x77longer";
    public const string ClientId = "client_abc123";
    public const string ClientSecret = "cs_0a1b2c3d4e5f";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeRestRequest> _requests = new();
    private readonly ConcurrentDictionary<string, bool> _accessTokens = new(StringComparer.Ordinal);
    private readonly List<FakeRestFault> _faults = [];
    private readonly Lock _lock = new();
    private int _issued;

    private FakeRestApi(WebApplication app)
    {
        _app = app;
    }

    public Uri Url => LoopbackApp.Address(_app);

    /// <summary>none, bearer, api_key_header, api_key_query, basic, oauth, two_keys (header X-App-Key and query token).</summary>
    public string Auth { get; set; } = "none";

    public int PageSize { get; set; } = 7;

    public List<FakeWidget> Widgets { get; } = [];

    /// <summary>The only refresh token the token endpoint accepts now; each use replaces it.</summary>
    public string RefreshToken { get; private set; } = "rt_initial_000";

    public List<string> UsedRefreshTokens { get; } = [];

    public int TokenRequests { get; private set; }

    public IReadOnlyList<FakeRestRequest> Requests => [.. _requests];

    public FakeGitHub GitHub { get; } = new();

    public static async Task<FakeRestApi> StartAsync()
    {
        var app = LoopbackApp.Create();
        var api = new FakeRestApi(app);
        app.MapPost("/oauth/token", api.TokenAsync);
        app.MapGet("/v1/{style}", api.WidgetsAsync);
        app.MapGet("/repos/{owner}/{repo}/issues", (HttpContext c, string owner, string repo) => api.GitHubAsync(c, null));
        app.MapGet("/repos/{owner}/{repo}/issues/{number:int}/comments", (HttpContext c, string owner, string repo, int number) => api.GitHubAsync(c, number));
        await app.StartAsync();
        return api;
    }

    public void Inject(FakeRestFault fault)
    {
        lock (_lock)
        {
            _faults.Add(fault);
        }
    }

    public void ClearRequests() => _requests.Clear();

    public void ClearFaults()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    /// <summary>Every access token stops working (as when they expire), so the next run must get a new one.</summary>
    public void RevokeAccessTokens() => _accessTokens.Clear();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        lock (_lock)
        {
            TokenRequests++;
        }

        var (id, secret) = BasicPair(context.Request.Headers.Authorization.ToString()) ?? (form["client_id"].ToString(), form["client_secret"].ToString());
        if (id != ClientId || secret != ClientSecret)
        {
            await Json(context, 401, """{"error":"invalid_client","error_description":"client authentication failed"}""");
            return;
        }

        string? rotated = null;
        switch (form["grant_type"].ToString())
        {
            case "client_credentials":
                break;
            case "refresh_token":
                lock (_lock)
                {
                    var given = form["refresh_token"].ToString();
                    if (given != RefreshToken)
                    {
                        rotated = "";
                    }
                    else
                    {
                        UsedRefreshTokens.Add(given);
                        RefreshToken = rotated = $"rt_rotated_{++_issued:000}";
                    }
                }

                if (rotated == "")
                {
                    await Json(context, 400, """{"error":"invalid_grant","error_description":"refresh token is invalid or was already used"}""");
                    return;
                }

                break;
            default:
                await Json(context, 400, """{"error":"unsupported_grant_type"}""");
                return;
        }

        var access = $"at_{Guid.NewGuid():N}";
        _accessTokens[access] = true;
        var reply = new JsonObject { ["access_token"] = access, ["token_type"] = "Bearer", ["expires_in"] = 3600 };
        if (rotated is not null)
        {
            reply["refresh_token"] = rotated;
        }

        await Json(context, 200, reply.ToJsonString());
    }

    private async Task WidgetsAsync(HttpContext context, string style)
    {
        if (await GateAsync(context))
        {
            return;
        }

        var query = context.Request.Query;
        var since = query["updated_since"].ToString();
        var all = Widgets
            .Where(w => since.Length == 0 || w.UpdatedAt >= DateTimeOffset.Parse(since, CultureInfo.InvariantCulture))
            .OrderBy(w => w.UpdatedAt).ThenBy(w => w.Id).ToList();
        int start;
        var size = PageSize;
        switch (style)
        {
            case "json_link":
                var after = query["after"].ToString();
                start = after.Length == 0 ? 0 : all.FindIndex(w => w.Id == long.Parse(after, CultureInfo.InvariantCulture)) + 1;
                break;
            case "cursor":
                var token = query["cursor"].ToString();
                start = token.Length == 0 ? 0 : int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture);
                break;
            case "offset":
                start = int.Parse(query["offset"].ToString(), CultureInfo.InvariantCulture);
                size = Math.Min(size, int.Parse(query["limit"].ToString(), CultureInfo.InvariantCulture));
                break;
            case "pages" or "link":
                start = (int.Parse(query["page"].ToString() is { Length: > 0 } p ? p : "1", CultureInfo.InvariantCulture) - 1) * size;
                break;
            default:
                await Json(context, 404, """{"message":"Not Found"}""");
                return;
        }

        var page = all.Skip(start).Take(size).ToList();
        var items = new JsonArray([.. page.Select(Widget)]);
        var end = start + page.Count;
        var more = end < all.Count;
        var self = $"{context.Request.Path}{context.Request.QueryString}";
        switch (style)
        {
            case "json_link":
                // Relative, as many APIs write it, with every other parameter kept.
                var next = more ? WithParam(self, "after", page[^1].Id.ToString(CultureInfo.InvariantCulture)) : null;
                await Json(context, 200, new JsonObject { ["data"] = items, ["next"] = next }.ToJsonString());
                break;
            case "cursor":
                var cursor = more ? Convert.ToBase64String(Encoding.UTF8.GetBytes(end.ToString(CultureInfo.InvariantCulture))) : null;
                await Json(context, 200, new JsonObject { ["items"] = items, ["meta"] = new JsonObject { ["next_cursor"] = cursor } }.ToJsonString());
                break;
            case "offset":
                await Json(context, 200, new JsonObject { ["results"] = items, ["total"] = all.Count }.ToJsonString());
                break;
            case "pages":
                await Json(context, 200, new JsonObject { ["data"] = items, ["total_pages"] = (all.Count + size - 1) / size }.ToJsonString());
                break;
            case "link":
                if (more)
                {
                    var pageNumber = (start / size) + 2;
                    var url = $"{Url.ToString().TrimEnd('/')}{WithParam(self, "page", pageNumber.ToString(CultureInfo.InvariantCulture))}";
                    context.Response.Headers.Append("Link", $"<{url}>; rel=\"next\", <{Url.ToString().TrimEnd('/')}{WithParam(self, "page", ((all.Count + size - 1) / size).ToString(CultureInfo.InvariantCulture))}>; rel=\"last\"");
                }

                await Json(context, 200, items.ToJsonString());
                break;
        }
    }

    private async Task GitHubAsync(HttpContext context, int? issue)
    {
        if (await GateAsync(context))
        {
            return;
        }

        var (status, body, link) = GitHub.Answer(Url, context.Request.Path, context.Request.Query, issue);
        context.Response.Headers["x-ratelimit-limit"] = "5000";
        context.Response.Headers["x-ratelimit-remaining"] = GitHub.RateLimitRemaining.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-ratelimit-reset"] = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (link is not null)
        {
            context.Response.Headers.Append("Link", link);
        }

        await Json(context, status, body);
    }

    /// <summary>Records the request and answers auth failures and injected faults; true when it answered.</summary>
    private async Task<bool> GateAsync(HttpContext context)
    {
        var path = context.Request.Path.ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        var fault = NextFault(path);
        var status = fault?.Status ?? (Authorized(context) ? 200 : 401);
        _requests.Enqueue(new FakeRestRequest(path, context.Request.QueryString.ToString(), authorization.Length == 0 ? null : authorization, status));
        if (fault is not null)
        {
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            if (fault.RawBody is { } raw)
            {
                context.Response.StatusCode = fault.Status;
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.Body.WriteAsync(raw);
            }
            else
            {
                await Json(context, fault.Status, fault.Body);
            }

            return true;
        }

        if (status == 401)
        {
            await Json(context, 401, """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}""");
            return true;
        }

        return false;
    }

    private FakeRestFault? NextFault(string path)
    {
        lock (_lock)
        {
            foreach (var fault in _faults.Where(f => path.StartsWith(f.PathPrefix, StringComparison.Ordinal)))
            {
                if (fault.Seen++ >= fault.After && fault.Served < fault.Times)
                {
                    fault.Served++;
                    return fault;
                }
            }

            return null;
        }
    }

    private bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return Auth switch
        {
            "none" => true,
            "bearer" => header == $"Bearer {Token}",
            "api_key_header" => context.Request.Headers["X-Api-Key"].ToString() == ApiKey,
            "api_key_query" => context.Request.Query["api_key"].ToString() == ApiKey,
            "basic" => BasicPair(header) == (User, Password),
            "oauth" => header.StartsWith("Bearer ", StringComparison.Ordinal) && _accessTokens.ContainsKey(header[7..]),
            "two_keys" => context.Request.Headers["X-App-Key"].ToString() == ApiKey && context.Request.Query["token"].ToString() == Token,
            _ => false,
        };
    }

    private static (string, string)? BasicPair(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
        return pair.Length == 2 ? (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1])) : null;
    }

    private static JsonNode Widget(FakeWidget w)
    {
        var amount = w.AmountIsText ? JsonSerializer.Serialize(w.Amount) : w.Amount;
        var updated = w.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return JsonNode.Parse(
            "{\"id\":" + w.Id.ToString(CultureInfo.InvariantCulture) + ",\"name\":" + JsonSerializer.Serialize(w.Name) + ",\"amount\":" + amount
            + ",\"updatedAt\":\"" + updated + "\",\"tags\":[\"a\",\"b\"],\"owner\":{\"login\":\"user" + (w.Id % 3).ToString(CultureInfo.InvariantCulture) + "\"}}")!;
    }

    private static string WithParam(string pathAndQuery, string name, string value)
    {
        var parts = pathAndQuery.Split('?', 2);
        var kept = (parts.Length == 2 ? parts[1].Split('&', StringSplitOptions.RemoveEmptyEntries) : [])
            .Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal));
        return $"{parts[0]}?{string.Join('&', kept.Append($"{name}={Uri.EscapeDataString(value)}"))}";
    }

    private static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body);
    }
}
