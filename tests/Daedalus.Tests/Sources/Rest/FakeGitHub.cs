using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// GitHub's issues and issue comments endpoints as its public REST docs describe them: <c>state</c>, <c>since</c>
/// (issues updated at or after, ISO 8601), <c>sort</c>/<c>direction</c>, <c>per_page</c> (default 30, max 100) and
/// <c>page</c>, with <c>Link</c> rel="next"/"last"; payloads shaped like the docs' examples (octocat/Hello-World).
/// </summary>
public sealed class FakeGitHub
{
    public List<FakeIssue> Issues { get; } = [];

    public int RateLimitRemaining { get; set; } = 4999;

    public (int Status, string Body, string? Link) Answer(Uri server, PathString path, IQueryCollection query, int? issue)
    {
        var perPage = Math.Clamp(int.TryParse(query["per_page"], out var n) ? n : 30, 1, 100);
        var page = int.TryParse(query["page"], out var p) ? Math.Max(1, p) : 1;
        List<JsonNode> all;
        if (issue is { } number)
        {
            var parent = Issues.Find(i => i.Number == number);
            if (parent is null)
            {
                return (404, """{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/comments#list-issue-comments","status":"404"}""", null);
            }

            all = [.. parent.Comments.OrderBy(c => c.Id).Select(c => Comment(parent, c))];
        }
        else
        {
            var since = query["since"].ToString();
            var state = query["state"].ToString() is { Length: > 0 } s ? s : "open";
            var selected = Issues
                .Where(i => state == "all" || i.State == state)
                .Where(i => since.Length == 0 || i.UpdatedAt >= DateTimeOffset.Parse(since, CultureInfo.InvariantCulture));
            selected = query["direction"] == "asc" ? selected.OrderBy(i => i.UpdatedAt).ThenBy(i => i.Number) : selected.OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Number);
            all = [.. selected.Select(Issue)];
        }

        var last = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var body = new JsonArray([.. all.Skip((page - 1) * perPage).Take(perPage)]).ToJsonString();
        string? link = null;
        if (page < last)
        {
            string At(int target)
            {
                var pairs = query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={target}");
                return $"<{server.ToString().TrimEnd('/')}{path}?{string.Join('&', pairs)}>";
            }

            link = $"{At(page + 1)}; rel=\"next\", {At(last)}; rel=\"last\"";
        }

        return (200, body, link);
    }

    private static JsonObject User(string login, long id) => new()
    {
        ["login"] = login,
        ["id"] = id,
        ["node_id"] = "MDQ6VXNlcjE=",
        ["avatar_url"] = "https://github.com/images/error/octocat_happy.gif",
        ["url"] = $"https://api.github.com/users/{login}",
        ["type"] = "User",
        ["site_admin"] = false,
    };

    private static string Time(DateTimeOffset? t) => t!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonNode Issue(FakeIssue i) => new JsonObject
    {
        ["id"] = i.Id,
        ["node_id"] = "MDU6SXNzdWUx",
        ["url"] = $"https://api.github.com/repos/octocat/Hello-World/issues/{i.Number}",
        ["repository_url"] = "https://api.github.com/repos/octocat/Hello-World",
        ["comments_url"] = $"https://api.github.com/repos/octocat/Hello-World/issues/{i.Number}/comments",
        ["html_url"] = $"https://github.com/octocat/Hello-World/issues/{i.Number}",
        ["number"] = i.Number,
        ["state"] = i.State,
        ["title"] = i.Title,
        ["body"] = i.Body,
        ["user"] = User("octocat", 1),
        ["labels"] = new JsonArray([.. i.Labels.Select(l => (JsonNode)new JsonObject { ["id"] = 208045946, ["node_id"] = "MDU6TGFiZWwyMDgwNDU5NDY=", ["name"] = l, ["description"] = "Something isn't working", ["color"] = "f29513", ["default"] = true })]),
        ["assignee"] = null,
        ["locked"] = false,
        ["comments"] = i.Comments.Count,
        ["closed_at"] = i.ClosedAt is null ? null : Time(i.ClosedAt),
        ["created_at"] = Time(i.CreatedAt),
        ["updated_at"] = Time(i.UpdatedAt),
        ["author_association"] = "COLLABORATOR",
    };

    private static JsonNode Comment(FakeIssue i, FakeComment c) => new JsonObject
    {
        ["id"] = c.Id,
        ["node_id"] = "MDEyOklzc3VlQ29tbWVudDE=",
        ["url"] = $"https://api.github.com/repos/octocat/Hello-World/issues/comments/{c.Id}",
        ["html_url"] = $"https://github.com/octocat/Hello-World/issues/{i.Number}#issuecomment-{c.Id}",
        ["body"] = c.Body,
        ["user"] = User(c.Login, 2),
        ["created_at"] = Time(c.CreatedAt),
        ["updated_at"] = Time(c.UpdatedAt),
        ["issue_url"] = $"https://api.github.com/repos/octocat/Hello-World/issues/{i.Number}",
        ["author_association"] = "COLLABORATOR",
    };
}
