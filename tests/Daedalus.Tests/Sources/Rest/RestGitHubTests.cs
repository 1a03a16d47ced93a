using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Npgsql;

namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// The GitHub example of docs/plugins/rest.md, read from the page itself, through the real config loader and
/// SyncRunner into a real PostgreSQL, against a loopback GitHub that answers like its public REST docs: issues with
/// <c>since</c> and <c>Link</c> pages, comments per issue (a child stream), rate-limit headers.
/// </summary>
public sealed partial class RestGitHubTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2024, 11, 4, 9, 30, 0, TimeSpan.Zero);
    private FakeRestApi _api = null!;
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeRestApi.StartAsync();
        _api.Auth = "bearer";
        for (var n = 1; n <= 230; n++)
        {
            var created = Start.AddHours(n);
            var comments = Enumerable.Range(0, n == 42 ? 130 : n % 4).Select(k => new FakeComment((n * 1000) + k, k % 2 == 0 ? "octocat" : "hubot", $"Comment {k} on #{n}: \"quoted\", ünïcødé", created.AddMinutes(k + 1), created.AddMinutes(k + 1))).ToList();
            var closed = n % 5 == 0 ? created.AddDays(1) : (DateTimeOffset?)null;
            _api.GitHub.Issues.Add(new FakeIssue(1_000_000_000L + n, n, closed is null ? "open" : "closed", $"Found a bug #{n}", n % 7 == 0 ? null : "I'm having a problem with this.", n % 3 == 0 ? ["bug"] : [], created, comments.Count > 0 ? comments[^1].UpdatedAt : created, closed, comments));
        }

        _core = await CoreServices.StartAsync("restgithub");
        await _core.Get<ISecretStore>().SetAsync("github-token", FakeRestApi.Token, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task The_documented_github_example_loads_issues_and_comments_and_the_next_run_reads_only_what_changed()
    {
        var source = Assert.Single(LoadDocumentedExample());
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);

        var first = await SyncAsync();

        Assert.All(first, s => Assert.Equal(RunStatus.Succeeded, s.Status));
        Assert.Equal(Expected(), await IssuesAsync());
        Assert.Equal(ExpectedComments(), await CommentsAsync());
        var issueRequests = _api.Requests.Where(r => r.Path.EndsWith("/issues", StringComparison.Ordinal)).ToList();
        Assert.Equal(3 * 2, issueRequests.Count); // 230 issues at per_page=100, once for issues and once walked by comments
        Assert.All(_api.Requests, r => Assert.Equal($"Bearer {FakeRestApi.Token}", r.Authorization));
        Assert.Equal(2, _api.Requests.Count(r => r.Path.EndsWith("/issues/42/comments", StringComparison.Ordinal)));

        var watermark = LastUpdated();

        // A new comment on #7 (which bumps the issue's updated_at, as on GitHub) and a new issue.
        var now = _api.GitHub.Issues.Max(i => i.UpdatedAt).AddHours(1);
        var seven = _api.GitHub.Issues.Find(i => i.Number == 7)!;
        seven.Comments.Add(new FakeComment(7999, "octocat", "late reply", now, now));
        _api.GitHub.Issues[6] = seven with { UpdatedAt = now };
        _api.GitHub.Issues.Add(new FakeIssue(1_000_000_231, 231, "open", "New one", "body", [], now.AddMinutes(5), now.AddMinutes(5), null, []));
        _api.ClearRequests();

        var second = await SyncAsync();

        Assert.All(second, s => Assert.Equal(RunStatus.Succeeded, s.Status));
        var since = Uri.UnescapeDataString(Regex.Match(_api.Requests[0].Query, "since=([^&]+)").Groups[1].Value);
        Assert.Equal(watermark.AddSeconds(-60), DateTimeOffset.Parse(since, CultureInfo.InvariantCulture));
        Assert.Equal(Expected(), await IssuesAsync());
        Assert.Equal(ExpectedComments(), await CommentsAsync());

        // Comments are asked again only for issues updated since the watermark less the lookback: the last one of the first run, #7 and #231.
        Assert.Equal(["230", "231", "7"], _api.Requests.Where(r => r.Path.EndsWith("/comments", StringComparison.Ordinal)).Select(r => r.Path.Split('/')[^2]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_used_up_rate_limit_budget_ends_the_pull_after_the_page_in_hand_and_keeps_its_cursor()
    {
        var source = Assert.Single(LoadDocumentedExample());
        source.Streams.RemoveAt(1);
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        _api.GitHub.RateLimitRemaining = 0;

        var stopped = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Partial, stopped.Status);
        Assert.Contains("rate-limit budget is used up", stopped.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests);

        _api.GitHub.RateLimitRemaining = 4000;
        var resumed = Assert.Single(await SyncAsync());
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(Expected(), await IssuesAsync());
    }

    private DateTimeOffset LastUpdated() => _api.GitHub.Issues.Max(i => i.UpdatedAt);

    private List<Daedalus.Configuration.SourceDefinition> LoadDocumentedExample()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "plugins", "rest.md"));
        var yaml = YamlBlock().Matches(page).Select(m => m.Groups[1].Value).First(b => b.Contains("plugin: rest", StringComparison.Ordinal));
        var path = Path.Combine(_core.Directory, "daedalus.yaml");
        File.WriteAllText(path, yaml);
        var environment = new Hashtable { ["DAEDALUS_CONFIG__sources__github__settings__baseUrl"] = _api.Url.ToString() };
        return [.. _core.Get<ConfigLoader>().Load(path, null, environment)];
    }

    private async Task<IReadOnlyList<StreamSummary>> SyncAsync() =>
        await _core.Get<SyncRunner>().RunAsync(["github"], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);

    private List<string> Expected() =>
        [.. _api.GitHub.Issues.OrderBy(i => i.Id).Select(i => Row(i.Id, i.Number, i.Title, i.State, i.Body ?? "<null>", "octocat", i.Labels.Count == 0 ? "[]" : "[{\"id\": 208045946, \"name\": \"bug\", \"color\": \"f29513\", \"default\": true, \"node_id\": \"MDU6TGFiZWwyMDgwNDU5NDY=\", \"description\": \"Something isn't working\"}]", i.Comments.Count, Time(i.CreatedAt), Time(i.UpdatedAt), i.ClosedAt is null ? "<null>" : Time(i.ClosedAt.Value)))];

    private List<string> ExpectedComments() =>
        [.. _api.GitHub.Issues.SelectMany(i => i.Comments.Select(c => Row(c.Id, i.Number, c.Body, c.Login, Time(c.CreatedAt), Time(c.UpdatedAt)))).Order(StringComparer.Ordinal)];

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Row(params object[] values) => string.Join('|', values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    private async Task<List<string>> IssuesAsync() => await QueryAsync(
        "SELECT id, number, title, state, coalesce(body, '<null>'), user__login, labels::text, comments, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), coalesce(to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), '<null>') FROM github.issues ORDER BY id");

    private async Task<List<string>> CommentsAsync() => [.. (await QueryAsync(
        "SELECT id, _issues_number, body, user__login, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM github.issue_comments")).Order(StringComparer.Ordinal)];

    private async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(Row([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)]));
        }

        return rows;
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
