using System.Globalization;
using System.Text.Json;
using Daedalus.Client;
using Daedalus.Tests.Infrastructure;
using Daedalus.Tests.Sources.Rest;

namespace Daedalus.Tests.Sources.Probes;

/// <summary>
/// <c>daedalus sources check</c> and <c>sources discover</c> for the <c>rest</c> plugin, as a user runs them (the CLI as a
/// child process over a real PostgreSQL), against a loopback server answering like GitHub's issues API: per-stream
/// reachability, a refused token named by its status and never printed, and discovered YAML whose types match the
/// data and that applies and syncs as is.
/// </summary>
public sealed class RestProbeCliTests : IAsyncLifetime
{
    private const string WrongToken = "ghp_wrongTokenValue0123456789";
    private static readonly DateTimeOffset Start = new(2024, 11, 4, 9, 30, 0, TimeSpan.Zero);
    private FakeRestApi _api = null!;
    private CoreServices _core = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeRestApi.StartAsync();
        _api.Auth = "bearer";
        for (var n = 1; n <= 12; n++)
        {
            var created = Start.AddHours(n);
            var comments = Enumerable.Range(0, n % 3).Select(k => new FakeComment((n * 100) + k, "octocat", $"Comment {k} on #{n}", created.AddMinutes(k + 1), created.AddMinutes(k + 1))).ToList();
            _api.GitHub.Issues.Add(new FakeIssue(1_000_000_000L + n, n, n % 4 == 0 ? "closed" : "open", $"Found a bug #{n}", "I'm having a problem with this.", n % 2 == 0 ? ["bug"] : [], created, comments.Count > 0 ? comments[^1].UpdatedAt : created, n % 4 == 0 ? created.AddDays(1) : null, comments));
        }

        _core = await CoreServices.StartAsync("restprobe");
        _directory = Path.Combine(_core.Directory, "cli");
        Directory.CreateDirectory(Path.Combine(_directory, "config"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "daedalus.yaml"), $$"""
            version: 1
            sources:
              gh:
                plugin: rest
                settings:
                  baseUrl: {{_api.Url}}
                  headers: { Accept: application/vnd.github+json }
                  auth: { type: bearer }
                secrets:
                  token: gh-token
                streams:
                  issues:
                    mode: incremental
                    primaryKey: [id]
                    cursor: updated_at
                    target: { schema: gh, table: issues }
                    settings:
                      path: /repos/octocat/Hello-World/issues
                      params: { state: all, sort: updated, direction: asc, per_page: 5 }
                      paginator: { type: header_link }
                      incremental: { param: since, format: iso8601 }
                  comments:
                    mode: full
                    primaryKey: [id]
                    target: { schema: gh, table: comments }
                    settings:
                      parent: issues
                      path: /repos/octocat/Hello-World/issues/{parent.number}/comments
                      paginator: { type: header_link }
                      includeFromParent: [number]
            """);
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Check_reaches_each_stream_and_a_refused_token_fails_every_stream_with_its_status_and_never_prints_the_token()
    {
        var applied = await Cli(FakeRestApi.Token, "sources", "apply", "config/daedalus.yaml");
        Assert.True(applied.ExitCode == 0, applied.Error);

        var check = await Cli(FakeRestApi.Token, "sources", "check", "gh", "--json");
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        var report = JsonSerializer.Deserialize<SourceCheckReport>(check.Output, DaedalusJson.Options)!;
        Assert.True(report.Ok);
        Assert.Equal(["issues", "comments"], report.Streams.Select(s => s.Stream));
        Assert.All(report.Streams, s => Assert.True(s.Ok, s.Message));
        Assert.Equal("/repos/octocat/Hello-World/issues answered; 5 record(s) on the first page", report.Streams[0].Message);
        Assert.Contains("/comments answered", report.Streams[1].Message, StringComparison.Ordinal);
        Assert.All(_api.Requests, r => Assert.Equal($"Bearer {FakeRestApi.Token}", r.Authorization));

        var refused = await Cli(WrongToken, "sources", "check", "gh", "--json");
        Assert.Equal(1, refused.ExitCode);
        var failed = JsonSerializer.Deserialize<SourceCheckReport>(refused.Output, DaedalusJson.Options)!;
        Assert.False(failed.Ok);
        Assert.All(failed.Streams, s =>
        {
            Assert.False(s.Ok);
            Assert.Contains("HTTP 401", s.Message, StringComparison.Ordinal);
            Assert.Contains("Bad credentials", s.Message, StringComparison.Ordinal);
        });

        var table = await Cli(WrongToken, "sources", "check", "gh");
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("failed", table.Output, StringComparison.Ordinal);
        Assert.Contains("401", table.Output, StringComparison.Ordinal);
        foreach (var output in new[] { check, refused, table })
        {
            Assert.DoesNotContain(WrongToken, output.Output + output.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeRestApi.Token, output.Output + output.Error, StringComparison.Ordinal);
        }

        // Nothing was loaded by a check.
        Assert.Equal(0L, await _core.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'gh'"));
    }

    [Fact]
    public async Task Discover_prints_a_config_whose_inferred_types_match_the_data_and_which_applies_and_syncs_as_is()
    {
        var applied = await Cli(FakeRestApi.Token, "sources", "apply", "config/daedalus.yaml");
        Assert.True(applied.ExitCode == 0, applied.Error);

        var discover = await Cli(FakeRestApi.Token, "sources", "discover", "gh");
        Assert.True(discover.ExitCode == 0, discover.Output + discover.Error);
        Assert.DoesNotContain(FakeRestApi.Token, discover.Output, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "discovered.yaml"), discover.Output);

        // The pasted YAML validates (apply loads it with the real config loader) and replaces the source.
        var reapplied = await Cli(FakeRestApi.Token, "sources", "apply", "config/discovered.yaml");
        Assert.True(reapplied.ExitCode == 0, discover.Output + reapplied.Error);
        var spec = JsonSerializer.Deserialize<SourceSpec>((await Cli(FakeRestApi.Token, "sources", "show", "gh", "--json")).Output, DaedalusJson.Options)!;
        var issues = spec.Streams["issues"]!;
        Assert.Equal("incremental", issues.Mode, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("updated_at", issues.Cursor);
        Assert.Equal("/repos/octocat/Hello-World/issues", issues.Settings!["path"]);
        Assert.Equal("integer", issues.Settings["columns.id"]);
        Assert.Equal("integer", issues.Settings["columns.number"]);
        Assert.Equal("text", issues.Settings["columns.title"]);
        Assert.Equal("json", issues.Settings["columns.labels"]);
        Assert.Equal("json", issues.Settings["columns.user"]);
        Assert.Equal("boolean", issues.Settings["columns.locked"]);
        Assert.Equal("timestamp", issues.Settings["columns.created_at"]);
        Assert.Equal("timestamp", issues.Settings["columns.closed_at"]);
        var comments = spec.Streams["comments"]!;
        Assert.Equal("full", comments.Mode, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("issues", comments.Settings!["parent"]);
        Assert.Equal("integer", comments.Settings["columns.id"]);

        // A column copied from the parent is text unless declared (docs/plugins/rest.md): discovery does not sample the parent's type.
        Assert.Equal("text", comments.Settings["columns._issues_number"]);
        Assert.Equal("timestamp", comments.Settings["columns.updated_at"]);

        var sync = await Cli(FakeRestApi.Token, "sync", "gh", "--json");
        Assert.True(sync.ExitCode == 0, sync.Output + sync.Error);
        Assert.Equal(12L, await _core.ScalarAsync<long>("SELECT count(*) FROM gh.issues"));
        Assert.Equal(_api.GitHub.Issues.Sum(i => (long)i.Comments.Count), await _core.ScalarAsync<long>("SELECT count(*) FROM gh.comments"));
        Assert.Equal(
            ["closed_at:timestamp with time zone", "created_at:timestamp with time zone", "id:bigint", "labels:jsonb", "locked:boolean", "number:bigint", "title:text"],
            await ColumnsAsync("issues", "closed_at", "created_at", "id", "labels", "locked", "number", "title"));
        Assert.Equal(
            [.. _api.GitHub.Issues.OrderBy(i => i.Number).Select(i => $"{i.Number}|{(i.ClosedAt is { } c ? c.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00" : "")}")],
            await _core.TextRowsAsync("SELECT number || '|' || coalesce(closed_at::text, '') FROM gh.issues ORDER BY number"));
    }

    private Task<CliProcess.Result> Cli(string token, params string[] args) => CliProcess.RunAsync(
        new Dictionary<string, string>
        {
            ["Daedalus__Database__ConnectionString"] = _core.ConnectionString,
            ["DAEDALUS_SECRET_GH_TOKEN"] = token,
        },
        _directory,
        args);

    private async Task<List<string>> ColumnsAsync(string table, params string[] names) => await _core.TextRowsAsync(
        $"SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_schema = 'gh' AND table_name = '{table}' AND column_name IN ({string.Join(", ", names.Select(n => $"'{n}'"))}) ORDER BY column_name");
}
