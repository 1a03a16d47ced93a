using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Sources.Monday;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// The monday plugin through the real SyncRunner into a real PostgreSQL, against a fake monday on 127.0.0.1:
/// full, incremental and resumed pulls, every error shape, and the rows compared with the fixtures.
/// </summary>
public sealed class MondaySyncTests : IAsyncLifetime
{
    private const int BoardSize = 1_203;
    private const string SecretKey = "monday-token";
    private readonly CapturedLogs _logs = new();
    private readonly ShiftableTimeProvider _clock = new();
    private readonly ExpectedBoard _expected = new();
    private FakeMondayServer _server = null!;
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeMondayServer.StartAsync(MondayFixtures.Items(BoardSize));
        _core = await CoreServices.StartAsync(
            "monday",
            new Dictionary<string, string?> { ["Daedalus:Sync:MaxBatchRows"] = "100" },
            services =>
            {
                services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
                services.AddSingleton<TimeProvider>(_clock);
            });
        await _core.Get<ISecretStore>().SetAsync(SecretKey, _server.Token, CancellationToken.None);
        await SaveSourceAsync(SyncMode.Incremental);
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task First_sync_reads_every_page_and_lands_typed_rows_that_match_the_fixtures()
    {
        var summary = await SyncAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(BoardSize, summary.RowsRead);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
        Assert.Contains(_server.Items, i => i.State == "archived");
        Assert.Contains(_server.Items, i => i.State == "deleted");

        var requests = _server.Requests;
        Assert.All(requests, r => Assert.Equal("2026-10", r.ApiVersion));
        Assert.Equal([FakeMondayServer.Columns, FakeMondayServer.ItemsPage], requests.Take(2).Select(r => r.Kind));
        Assert.Equal(12, requests.Count(r => r.Kind == FakeMondayServer.NextItemsPage));
        Assert.All(requests.Where(r => r.Kind != FakeMondayServer.Columns), r => Assert.Equal(100, r.Limit));
        Assert.Null(requests.Single(r => r.Kind == FakeMondayServer.ItemsPage).RuleDay);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(_server.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connect_boards_cell_linking_another_boards_item_lands_with_its_ids_and_names_not_null()
    {
        // Two clients on another board: monday sends text null and value null for this cell (API 2025-04+).
        var item = _server.Items.First(i => i.State == "active" && i.Clients.Count == 2 && i.BlockedBy.Count == 1);
        Assert.All(FakeMondayServer.Cells(item).Where(c => c.Id is "connect_boards" or "mirror" or "formula" or "dependent_on"), c => Assert.Null(c.Text ?? c.Value));

        Assert.Equal(RunStatus.Succeeded, (await SyncAsync()).Status);

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT jsonb_typeof(client), client->'linked_item_ids', client->>'display_value', client_tier, score,
                   pg_typeof(client)::text, pg_typeof(score)::text, blocked_by->'linked_item_ids'
            FROM monday.projects WHERE id = $1
            """,
            connection);
        command.Parameters.AddWithValue(item.Id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("object", reader.GetString(0));
        Assert.Equal($"[\"{item.Clients[0].Id}\", \"{item.Clients[1].Id}\"]", reader.GetString(1));
        Assert.Equal($"{item.Clients[0].Name}, {item.Clients[1].Name}", reader.GetString(2));
        Assert.Equal($"{MondayFixtures.TierOf(item.Clients[0].Id)}, {MondayFixtures.TierOf(item.Clients[1].Id)}", reader.GetString(3));
        Assert.Equal(item.Score, reader.GetString(4));
        Assert.Equal("jsonb", reader.GetString(5));
        Assert.Equal("text", reader.GetString(6));
        Assert.Equal($"[\"{item.BlockedBy[0].Id}\"]", reader.GetString(7));
    }

    [Fact]
    public async Task Incremental_sync_reads_from_the_watermark_minus_lookback_and_applies_updates_and_deletes()
    {
        await SyncAsync();
        _expected.Apply(_server.Items);
        var watermark = _server.Items.Max(i => i.UpdatedAt);

        _server.Mutate(items =>
        {
            var t = watermark.AddMinutes(5);
            for (var k = 0; k < 7; k++)
            {
                var i = items.FindIndex(x => x.Id == items[(k * 131) + 4].Id);
                items[i] = items[i] with { Status = "Done", Budget = 99.5m + k, Notes = null, UpdatedAt = t = t.AddSeconds(17) };
            }

            foreach (var (index, state) in new[] { (200, "archived"), (400, "archived"), (600, "archived"), (800, "deleted"), (1000, "deleted") })
            {
                items[index] = items[index] with { State = state, UpdatedAt = t = t.AddSeconds(3) };
            }

            for (var k = 0; k < 4; k++)
            {
                items.Add(MondayFixtures.Item(BoardSize + k, t = t.AddMinutes(1)) with { State = "active" });
            }
        });
        _server.ClearRequests();

        var summary = await SyncAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var since = watermark.AddMinutes(-60);
        var first = _server.Requests.Single(r => r.Kind == FakeMondayServer.ItemsPage);
        Assert.Equal(since.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), first.RuleDay);
        Assert.Equal(_server.Items.Count(i => i.UpdatedAt >= since), summary.RowsRead);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());

        // Nothing changed: only the lookback overlap is re-read, and it changes nothing.
        var latest = _server.Items.Max(i => i.UpdatedAt);
        var again = await SyncAsync();
        Assert.Equal(_server.Items.Count(i => i.UpdatedAt >= latest.AddMinutes(-60)), again.RowsRead);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    [Fact]
    public async Task Full_mode_rereads_the_whole_board_every_run_without_a_filter()
    {
        await SaveSourceAsync(SyncMode.Full);
        Assert.Equal(BoardSize, (await SyncAsync()).RowsRead);
        _server.Mutate(items => items[10] = items[10] with { Name = "renamed", UpdatedAt = items[^1].UpdatedAt.AddHours(1) });

        var second = await SyncAsync();

        Assert.Equal(BoardSize, second.RowsRead);
        Assert.All(_server.Requests.Where(r => r.Kind == FakeMondayServer.ItemsPage), r => Assert.Null(r.RuleDay));
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    [Fact]
    public async Task A_failure_in_the_middle_keeps_the_stored_pages_and_the_next_run_resumes_from_the_page_cursor()
    {
        _server.Inject(FakeMondayFault.Malformed(FakeMondayServer.NextItemsPage).After(3));

        var failed = await SyncAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("not valid JSON", failed.Error, StringComparison.Ordinal);
        var partial = new ExpectedBoard();
        partial.Apply(_server.Items.OrderBy(i => i.UpdatedAt).Take(300));
        Assert.Equal(partial.Rows, await ActualRowsAsync());
        var stored = MondayCursor.Parse(await _core.Get<CursorStore>().GetAsync("monday", "projects", CancellationToken.None));
        Assert.NotNull(stored?.Page);
        _server.ClearRequests();

        var resumed = await SyncAsync();

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        var requests = _server.Requests.Where(r => r.Kind != FakeMondayServer.Columns).ToList();
        Assert.DoesNotContain(requests, r => r.Kind == FakeMondayServer.ItemsPage);
        Assert.Equal(stored!.Page, requests[0].Cursor);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    [Fact]
    public async Task A_rate_limit_longer_than_the_bounded_wait_ends_the_pull_early_and_the_next_run_resumes()
    {
        _server.Inject(FakeMondayFault.ComplexityBudgetExhausted(FakeMondayServer.NextItemsPage, retryInSeconds: 120).After(2));

        var stopped = await SyncAsync();

        Assert.Equal(RunStatus.Partial, stopped.Status);
        Assert.Contains("COMPLEXITY_BUDGET_EXHAUSTED", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(200, await CountAsync());
        var resumed = await SyncAsync();
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    [Fact]
    public async Task The_daily_limit_ends_the_pull_at_once_and_keeps_the_cursor()
    {
        _server.Inject(FakeMondayFault.DailyLimit(FakeMondayServer.NextItemsPage).After(1));

        var stopped = await SyncAsync();

        Assert.Equal(RunStatus.Partial, stopped.Status);
        Assert.Contains("00:00 UTC", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(100, await CountAsync());
        Assert.Equal(RunStatus.Succeeded, (await SyncAsync()).Status);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    public static TheoryData<string> ShortWaits => new()
    {
        "complexity", "legacy-complexity", "concurrency", "minute-limit-429", "ip-limit-429", "locked-423", "server-error-500",
    };

    [Theory]
    [MemberData(nameof(ShortWaits))]
    public async Task Waits_within_the_bound_are_honoured_and_the_same_page_is_asked_again(string shape)
    {
        var kind = FakeMondayServer.NextItemsPage;
        _server.Inject((shape switch
        {
            "complexity" => FakeMondayFault.ComplexityBudgetExhausted(kind, 1),
            "legacy-complexity" => FakeMondayFault.LegacyComplexity(kind, 1),
            "concurrency" => FakeMondayFault.MaxConcurrency(kind, 1),
            "minute-limit-429" => FakeMondayFault.MinuteLimit(kind, 1),
            "ip-limit-429" => FakeMondayFault.IpRateLimit(kind, 1),
            "locked-423" => FakeMondayFault.BoardLocked(kind, 1),
            _ => FakeMondayFault.ServerError(kind),
        }).After(4));

        var summary = await SyncAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var pages = _server.Requests.Where(r => r.Kind == kind).ToList();
        var failed = pages.FindIndex(r => r.Status != 200 || pages.Count(p => p.Cursor == r.Cursor) > 1);
        Assert.Equal(4, failed);
        Assert.Equal(pages[4].Cursor, pages[5].Cursor);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    [Fact]
    public async Task A_low_complexity_budget_waits_for_the_reset_before_the_next_call()
    {
        _server.Mutate(items => items.RemoveRange(250, items.Count - 250));
        _server.ComplexityAfter = 10;
        _server.ComplexityResetSeconds = 1;

        var summary = await SyncAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(250, summary.RowsRead);
        Assert.Contains(_logs.Lines, l => l.Contains("complexity budget low", StringComparison.Ordinal));

        _server.ComplexityResetSeconds = 50;
        var stopped = await SyncAsync();
        Assert.Equal(RunStatus.Partial, stopped.Status);
        Assert.Contains("refills in", stopped.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_fails_clearly_without_logging_it_and_a_rotated_secret_recovers()
    {
        await SyncAsync();
        _expected.Apply(_server.Items);
        var oldToken = _server.Token;
        _server.Token = "rotated-token-0c1d";
        _server.Mutate(items => items[3] = items[3] with { Name = "after rotation", UpdatedAt = items.Max(i => i.UpdatedAt).AddMinutes(1) });

        var failed = await SyncAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("refused the token", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(oldToken, failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(oldToken, StringComparison.Ordinal));

        await _core.Get<ISecretStore>().SetAsync(SecretKey, _server.Token, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, (await SyncAsync()).Status);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(_server.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task User_unauthorized_and_partial_data_with_errors_fail_the_stream_instead_of_loading_nothing_silently()
    {
        _server.Inject(FakeMondayFault.UserUnauthorized(FakeMondayServer.ItemsPage));
        var unauthorized = await SyncAsync();
        Assert.Equal(RunStatus.Failed, unauthorized.Status);
        Assert.Contains("UserUnauthorizedException", unauthorized.Error, StringComparison.Ordinal);

        _server.Inject(FakeMondayFault.PartialDataWithError(FakeMondayServer.ItemsPage));
        var partial = await SyncAsync();
        Assert.Equal(RunStatus.Failed, partial.Status);
        Assert.Contains("InvalidColumnIdException", partial.Error, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task An_expired_page_cursor_restarts_the_pass_from_the_watermark()
    {
        _server.Inject(FakeMondayFault.ComplexityBudgetExhausted(FakeMondayServer.NextItemsPage, retryInSeconds: 120).After(4));
        Assert.Equal(RunStatus.Partial, (await SyncAsync()).Status);
        var stored = MondayCursor.Parse(await _core.Get<CursorStore>().GetAsync("monday", "projects", CancellationToken.None))!;
        _server.ExpireCursors();
        _server.ClearRequests();

        var resumed = await SyncAsync();

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        var requests = _server.Requests.Where(r => r.Kind != FakeMondayServer.Columns).ToList();
        Assert.Equal(FakeMondayServer.NextItemsPage, requests[0].Kind);
        Assert.Equal(FakeMondayServer.ItemsPage, requests[1].Kind);
        Assert.Equal(stored.Watermark!.Value.AddMinutes(-60).UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), requests[1].RuleDay);
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    [Fact]
    public async Task A_page_cursor_older_than_its_lifetime_is_not_sent_and_a_new_pass_starts()
    {
        _server.Inject(FakeMondayFault.ComplexityBudgetExhausted(FakeMondayServer.NextItemsPage, retryInSeconds: 120).After(4));
        Assert.Equal(RunStatus.Partial, (await SyncAsync()).Status);
        _clock.Shift = TimeSpan.FromHours(2);
        _server.ClearRequests();

        Assert.Equal(RunStatus.Succeeded, (await SyncAsync()).Status);

        var requests = _server.Requests.Where(r => r.Kind != FakeMondayServer.Columns).ToList();
        Assert.Equal(FakeMondayServer.ItemsPage, requests[0].Kind);
        Assert.NotNull(requests[0].RuleDay);
        Assert.All(requests, r => Assert.Equal(200, r.Status));
        _expected.Apply(_server.Items);
        Assert.Equal(_expected.Rows, await ActualRowsAsync());
    }

    [Fact]
    public async Task A_monday_error_that_echoes_the_token_leaves_it_nowhere_in_the_run_error_the_api_or_the_logs()
    {
        // monday's GraphQL error shape, repeating the Authorization header it received (and a NUL, as a broken proxy might).
        _server.Inject(new FakeMondayFault(
            FakeMondayServer.ItemsPage,
            200,
            """{"errors":[{"message":"Invalid token {{authorization}}\u0000 for this account","locations":[{"line":1,"column":1}],"extensions":{"code":"InvalidArgumentException","status_code":200,"received":"{{authorization}}"}}],"account_id":123456}"""));

        var failed = await SyncAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains(_server.Requests, r => r.Kind == FakeMondayServer.ItemsPage);
        await SecretEcho.AssertNowhereAsync(_core.ConnectionString, "monday", [_server.Token], _logs.Lines);
    }

    private async Task SaveSourceAsync(SyncMode mode)
    {
        var source = new SourceDefinition
        {
            Name = "monday",
            Plugin = MondaySourcePlugin.PluginName,
            Settings =
            {
                ["apiUrl"] = _server.Url.ToString(),
                ["pageSize"] = "100",
                ["maxWaitSeconds"] = "2",
                ["lookbackMinutes"] = "60",
            },
            Secrets = { ["token"] = SecretKey },
        };
        source.Streams.Add(new StreamDefinition
        {
            Name = "projects",
            Mode = mode,
            Target = new TargetTable { Schema = "monday", Table = "projects" },
            Settings = { ["boardId"] = MondayFixtures.BoardId },
        });
        Assert.Empty(new MondaySourcePlugin().Validate(source));
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
    }

    private async Task<StreamSummary> SyncAsync() =>
        (await _core.Get<SyncRunner>().RunAsync(["monday"], _core.Get<InProcessSink>(), "test", null, CancellationToken.None)).Single();

    private async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT to_regclass('monday.projects') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand("SELECT count(*) FROM monday.projects", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> ActualRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT id, name, group_id, state, updated_at, status, notes, budget, due_date, done, priority, start_time,
                   owner::text, timeline::text, email, status_status_1,
                   client::text, client_tier, score, blocked_by::text, subitems::text, _daedalus_deleted_at IS NOT NULL
            FROM monday.projects ORDER BY id
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            object? Get<T>(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i);
            object?[] values =
            [
                Get<long>(0), Get<string>(1), Get<string>(2), Get<string>(3), Get<DateTimeOffset>(4),
                Get<string>(5), Get<string>(6), Get<decimal>(7), Get<DateOnly>(8), Get<bool>(9), Get<long>(10), Get<TimeOnly>(11),
                ExpectedBoard.Json(reader.IsDBNull(12) ? null : reader.GetString(12)), ExpectedBoard.Json(reader.IsDBNull(13) ? null : reader.GetString(13)),
                Get<string>(14), Get<string>(15),
                ExpectedBoard.Json(reader.IsDBNull(16) ? null : reader.GetString(16)), Get<string>(17), Get<string>(18),
                ExpectedBoard.Json(reader.IsDBNull(19) ? null : reader.GetString(19)), ExpectedBoard.Json(reader.IsDBNull(20) ? null : reader.GetString(20)),
            ];
            rows.Add(string.Join('|', values.Select(ExpectedBoard.Format).Append(reader.GetBoolean(21) ? "deleted" : "live")));
        }

        return rows;
    }
}
