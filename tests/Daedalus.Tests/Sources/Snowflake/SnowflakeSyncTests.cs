using System.Globalization;
using System.Text.Json.Nodes;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>
/// The Snowflake plugin end to end: SyncRunner + InProcessSink into a real PostgreSQL, against the fake SQL API on
/// 127.0.0.1. Each test compares what landed in the target table with the typed fixture rows.
/// </summary>
public sealed class SnowflakeSyncTests : IAsyncLifetime
{
    private const string Account = "myorg-acct1.eu-central-1";
    private const string User = "daedalus_loader";
    private const string SourceName = "warehouse";

    private readonly TestKeys _keys = new();
    private readonly ShiftedClock _clock = new();
    private readonly CapturedLogs _logs = new();
    private FakeSnowflakeServer _fake = null!;
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeSnowflakeServer.StartAsync(_keys.PublicKey, Account, User);
        _core = await CoreServices.StartAsync(
            "snowflake",
            new Dictionary<string, string?> { ["Daedalus:Sync:MaxBatchRows"] = "100" },
            services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
            });
        await _core.Get<ISecretStore>().SetAsync($"{SourceName}-private_key", _keys.PrivateKeyPem, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _fake.DisposeAsync();
        _keys.Dispose();
    }

    [Fact]
    public async Task Full_sync_polls_reads_every_gzip_partition_and_lands_the_fixture_rows()
    {
        var rows = OrderFixture.Initial();
        OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Full));

        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(10, summary.RowsRead);
        Assert.Equal(2, summary.Deleted);
        await AssertTargetAsync(rows, deletedKeepValues: true);
        var submissions = _fake.Submissions();
        Assert.Equal(["SELECT * FROM \"SALES\".\"PUBLIC\".\"ORDERS\" WHERE 1 = 0", "SELECT * FROM \"SALES\".\"PUBLIC\".\"ORDERS\" ORDER BY \"UPDATED_AT\""], submissions.Select(s => s.Statement));
        Assert.All(submissions, s => Assert.Null(s.Bindings));
        Assert.Equal("LOAD_WH", submissions[1].Body!["warehouse"]!.GetValue<string>());
        var partitions = _fake.Requests.Where(r => r.PathAndQuery.Contains("partition=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["partition=1", "partition=2"], partitions.Select(p => p.PathAndQuery[(p.PathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..]));
        Assert.All(partitions, p => Assert.Contains("gzip", p.AcceptEncoding, StringComparison.Ordinal));
        Assert.Equal(2, _fake.Requests.Count(r => r.Method == "GET" && !r.PathAndQuery.Contains("partition=", StringComparison.Ordinal)));
        AssertCleanWire();
    }

    [Fact]
    public async Task Incremental_sync_binds_the_stored_watermark_and_applies_updates_inserts_and_deletes()
    {
        var rows = OrderFixture.Initial();
        var table = OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Incremental));
        Assert.Equal(RunStatus.Succeeded, Assert.Single(await SyncAsync()).Status);
        await AssertTargetAsync(rows);
        var watermark = rows.Max(r => r.UpdatedAt);
        Assert.Equal($"timestamp_ntz:{SnowflakeWireExpectations.Timestamp(watermark)}", await CursorAsync());

        var later = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        rows[1] = rows[1] with { Amount = 999.99m, Customer = "Renamed", UpdatedAt = later };
        rows[2] = rows[2] with { IsDeleted = true, UpdatedAt = later.AddMinutes(1) };
        rows.Add(OrderFixture.Initial(11)[10] with { UpdatedAt = later.AddMinutes(2) });
        foreach (var row in new[] { rows[1], rows[2], rows[10] })
        {
            table.Upsert(OrderFixture.Cells(row));
        }

        var before = _fake.Submissions().Count;
        var second = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(4, second.RowsRead);
        await AssertTargetAsync(rows);
        var read = _fake.Submissions().Skip(before).Last();
        Assert.Equal("SELECT * FROM \"SALES\".\"PUBLIC\".\"ORDERS\" WHERE \"UPDATED_AT\" >= ? ORDER BY \"UPDATED_AT\"", read.Statement);
        var binding = Assert.IsType<JsonObject>(read.Bindings!["1"]);
        var nanos = ((watermark.UtcTicks - DateTime.UnixEpoch.Ticks) * 100).ToString(CultureInfo.InvariantCulture);
        Assert.Equal("TIMESTAMP_NTZ", binding["type"]!.GetValue<string>());
        Assert.Equal(nanos, binding["value"]!.GetValue<string>());
        Assert.DoesNotContain(nanos[..10], read.Statement, StringComparison.Ordinal);
        Assert.DoesNotContain("2026", read.Statement, StringComparison.Ordinal);
        Assert.Equal($"timestamp_ntz:{SnowflakeWireExpectations.Timestamp(later.AddMinutes(2))}", await CursorAsync());
        AssertCleanWire();
    }

    [Fact]
    public async Task A_failure_mid_pull_keeps_the_stored_part_and_the_next_run_resumes_from_its_watermark()
    {
        _fake.PartitionSize = 100;
        var rows = OrderFixture.Initial(250, tieAt: 100);
        OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Incremental));
        _fake.Inject("partition:2", FakeFault.Malformed());

        var failed = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("malformed JSON", failed.Error, StringComparison.Ordinal);
        var stored = rows.OrderBy(r => r.UpdatedAt).Take(100).ToList();
        await AssertTargetAsync(stored);
        Assert.Equal($"timestamp_ntz:{SnowflakeWireExpectations.Timestamp(rows[99].UpdatedAt)}", await CursorAsync());

        var resumed = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Succeeded, resumed.Status);

        // Rows 100 and 101 share the watermark: the inclusive re-read keeps 101, which sat in the next partition.
        Assert.Equal(151, resumed.RowsRead);
        await AssertTargetAsync(rows);
        var binding = _fake.Submissions().Last().Bindings!["1"]!;
        Assert.Equal(((rows[99].UpdatedAt.UtcTicks - DateTime.UnixEpoch.Ticks) * 100).ToString(CultureInfo.InvariantCulture), binding["value"]!.GetValue<string>());
        AssertCleanWire();
    }

    [Fact]
    public async Task An_expired_result_handle_re_runs_the_statement_from_the_last_watermark()
    {
        var rows = OrderFixture.Initial();
        OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Incremental));
        _fake.Inject("partition:1", FakeFault.HandleExpired("gone"));

        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        await AssertTargetAsync(rows);
        var reads = _fake.Submissions().Where(s => s.Statement!.Contains("ORDER BY", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reads.Count);
        Assert.Null(reads[0].Bindings);
        Assert.Equal(((rows[3].UpdatedAt.UtcTicks - DateTime.UnixEpoch.Ticks) * 100).ToString(CultureInfo.InvariantCulture), reads[1].Bindings!["1"]!["value"]!.GetValue<string>());
        Assert.NotEqual(reads[0].RequestId, reads[1].RequestId);
        AssertCleanWire();
    }

    [Fact]
    public async Task A_429_on_submit_is_retried_after_Retry_After_with_the_same_requestId_and_retry_true()
    {
        var rows = OrderFixture.Initial();
        OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Incremental));
        _fake.Inject("submit", FakeFault.RateLimited(1));

        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        await AssertTargetAsync(rows);
        var first = _fake.Submissions().Take(2).ToList();
        Assert.Equal(429, first[0].Status);
        Assert.False(first[0].Retry);
        Assert.Equal(first[0].RequestId, first[1].RequestId);
        Assert.True(first[1].Retry);
        AssertCleanWire();
    }

    [Fact]
    public async Task A_rate_limit_that_outlasts_the_retries_ends_the_pull_early_and_the_next_run_resumes()
    {
        var rows = OrderFixture.Initial(250, tieAt: 100);
        _fake.PartitionSize = 100;
        OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Incremental));
        // One retry policy: five attempts (four 1 s waits), then the pull ends early; nothing else retries behind it.
        _fake.Inject("partition:2", FakeFault.RateLimited(1), times: SourceRetryPolicy.DefaultMaxAttempts);

        var limited = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Partial, limited.Status);
        Assert.Contains("rate limit", limited.Error, StringComparison.Ordinal);
        Assert.Equal(SourceRetryPolicy.DefaultMaxAttempts, _fake.Requests.Count(r => r.PathAndQuery.EndsWith("partition=2", StringComparison.Ordinal)));
        Assert.Equal($"timestamp_ntz:{SnowflakeWireExpectations.Timestamp(rows[99].UpdatedAt)}", await CursorAsync());

        Assert.Equal(RunStatus.Succeeded, Assert.Single(await SyncAsync()).Status);
        await AssertTargetAsync(rows);
        AssertCleanWire();
    }

    [Fact]
    public async Task A_503_while_polling_is_retried()
    {
        var rows = OrderFixture.Initial();
        OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Full));
        _fake.Inject("poll", FakeFault.Unavailable());

        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Contains(_fake.Requests, r => r.Status == 503);
        await AssertTargetAsync(rows, deletedKeepValues: true);
    }

    [Fact]
    public async Task An_expired_key_pair_token_is_signed_afresh_and_the_request_retried()
    {
        var rows = OrderFixture.Initial();
        OrderFixture.Load(_fake, rows);
        await SaveAsync(Source(SyncMode.Incremental));
        Assert.Equal(RunStatus.Succeeded, Assert.Single(await SyncAsync()).Status);
        var oldToken = _fake.Requests.Last().Token;

        _fake.ExpireTokensSeen();
        _clock.Shift = TimeSpan.FromSeconds(30);
        var before = _fake.Requests.Count;
        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var requests = _fake.Requests.Skip(before).ToList();
        Assert.Equal(401, requests[0].Status);
        Assert.Equal(oldToken, requests[0].Token);
        Assert.All(requests.Skip(1), r => Assert.NotEqual(oldToken, r.Token));
        Assert.All(requests.Skip(1), r => Assert.Equal(200 / 100, r.Status / 100));
        AssertCleanWire();
    }

    [Fact]
    public async Task A_422_query_failure_fails_the_stream_with_Snowflake_s_code_and_is_not_retried()
    {
        OrderFixture.Load(_fake, OrderFixture.Initial());
        await SaveAsync(Source(SyncMode.Incremental));
        _fake.Inject("submit", FakeFault.QueryFailed("01b2c3d4-0000-1111-0000-000000000001"));

        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Contains("query failed", summary.Error, StringComparison.Ordinal);
        Assert.Contains("code 002003", summary.Error, StringComparison.Ordinal);
        Assert.Contains("SQLSTATE 42S02", summary.Error, StringComparison.Ordinal);
        Assert.Single(_fake.Submissions());
        Assert.Null(await CursorAsync());
    }

    [Fact]
    public async Task A_statement_timeout_408_fails_with_guidance()
    {
        OrderFixture.Load(_fake, OrderFixture.Initial());
        await SaveAsync(Source(SyncMode.Incremental));
        _fake.Inject("poll", FakeFault.Timeout("01b2c3d4-0000-1111-0000-000000000002"));

        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Contains("timed out", summary.Error, StringComparison.Ordinal);
        Assert.Contains("timeoutSeconds", summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_stream_wraps_the_select_and_loads_its_projection()
    {
        var rows = OrderFixture.Initial();
        var table = OrderFixture.Load(_fake, rows);
        const string query = "select ID, CUSTOMER, UPDATED_AT from SALES.PUBLIC.ORDERS -- every order";
        _fake.AddQuery(query, table, "ID", "CUSTOMER", "UPDATED_AT");
        var source = Source(SyncMode.Incremental);
        source.Streams[0].Settings = new(StringComparer.OrdinalIgnoreCase) { ["query"] = query + ";", ["watermark"] = "updated_at" };
        await SaveAsync(source);

        Assert.Equal(RunStatus.Succeeded, Assert.Single(await SyncAsync()).Status);

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, customer, updated_at FROM snowflake.orders ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var loaded = new List<(long, string?, DateTimeOffset)>();
        while (await reader.ReadAsync())
        {
            loaded.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        Assert.Equal(rows.Select(r => (r.Id, r.Customer, r.UpdatedAt)), loaded);
        Assert.Equal(3, (await ColumnsAsync()).Count(c => !c.StartsWith('_')));
        AssertCleanWire();
    }

    [Fact]
    public async Task An_expired_OAuth_token_fails_the_stream_without_retrying_and_without_logging_it()
    {
        var rows = OrderFixture.Initial();
        OrderFixture.Load(_fake, rows);
        _fake.OAuthToken = "oauth-token-" + Guid.NewGuid().ToString("N");
        var source = Source(SyncMode.Incremental);
        source.Settings["auth"] = "oauth";
        await SaveAsync(source);
        await _core.Get<ISecretStore>().SetAsync($"{SourceName}-oauth_token", _fake.OAuthToken, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, Assert.Single(await SyncAsync()).Status);
        await AssertTargetAsync(rows);

        _fake.ExpireTokensSeen();
        var before = _fake.Requests.Count;
        var summary = Assert.Single(await SyncAsync());

        Assert.Equal(RunStatus.Failed, summary.Status);
        Assert.Contains("390318", summary.Error, StringComparison.Ordinal);
        Assert.Single(_fake.Requests.Skip(before));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(_fake.OAuthToken, StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 11: the values at the ends of Snowflake's types land in PostgreSQL exactly as Snowflake holds them,
    /// and a 9999-12-31 watermark binds back digit for digit. Cells are written as the SQL API docs' jsonv2 form.
    /// </summary>
    [Fact]
    public async Task Values_at_the_ends_of_Snowflake_s_types_land_exactly_and_a_9999_watermark_round_trips()
    {
        const string big = "1234567890123456789012345678.1234567890";
        const string huge = "99999999999999999999999999999999999999";
        var table = _fake.AddTable("\"SALES\".\"PUBLIC\".\"EXTREMES\"", [
            new("ID", "fixed", 0, 38, false),
            new("BIG", "fixed", 10, 38),
            new("HUGE", "fixed", 0, 38),
            new("D", "date"),
            new("TS", "timestamp_ntz", 9, null, false),
            new("TZ", "timestamp_tz", 9),
            new("T", "time", 9),
        ]);
        table.Upsert(["1", big, huge, "2932896", "253402300799.999999000", "253402300799.999999000 2280", "86399.999999000"]);
        table.Upsert(["2", "-0.0000000001", "-" + huge, "-719162", "-62135596800.000000000", "-62135596800.000000000 720", "0.000000000"]);
        table.Upsert(["3", "12.5000000000", "9223372036854775808", "0", "9223372036.854775000", "1616173619.000000000 1770", "43200.000000000"]);
        var source = Source(SyncMode.Incremental);
        source.Streams[0].Name = "extremes";
        source.Streams[0].Target = new TargetTable { Schema = "snowflake", Table = "extremes" };
        source.Streams[0].Settings = new(StringComparer.OrdinalIgnoreCase) { ["table"] = "sales.public.extremes", ["watermark"] = "TS" };
        await SaveAsync(source);

        var first = Assert.Single(await SyncAsync());

        // PostgreSQL assertion: needs the loader to write NumericText into numeric columns and Npgsql's
        // DisableDateTimeInfinityConversions switch (0001-01-01 and 9999-12-31 would land as -infinity/infinity).
        Assert.True(first.Status == RunStatus.Succeeded, first.Error);
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SET TIME ZONE 'UTC'; SELECT id::text, big::text, huge::text, d::text, ts::text, tz::text, t::text FROM snowflake.extremes ORDER BY id",
            connection);
        var landed = new List<string[]>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                landed.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
            }
        }

        Assert.Equal(
            [
                ["1", big, huge, "9999-12-31", "9999-12-31 23:59:59.999999+00", "9999-12-31 23:59:59.999999+00", "23:59:59.999999"],
                ["2", "-0.0000000001", "-" + huge, "0001-01-01", "0001-01-01 00:00:00+00", "0001-01-01 00:00:00+00", "00:00:00"],
                ["3", "12.5000000000", "9223372036854775808", "1970-01-01", "2262-04-11 23:47:16.854775+00", "2021-03-19 17:06:59+00", "12:00:00"],
            ],
            landed);
        Assert.Equal(
            ["numeric", "numeric", "numeric", "date", "timestamp with time zone", "timestamp with time zone", "time without time zone"],
            await connection.QueryAsync<string>("SELECT data_type FROM information_schema.columns WHERE table_schema = 'snowflake' AND table_name = 'extremes' AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position"));

        // The cursor is the raw cell; the next read binds it back as epoch nanoseconds past 64 bits, every digit kept.
        Assert.Equal("timestamp_ntz:253402300799.999999000", await _core.Get<CursorStore>().GetAsync(SourceName, "extremes", CancellationToken.None));
        var second = Assert.Single(await SyncAsync());
        Assert.True(second.Status == RunStatus.Succeeded, second.Error);
        Assert.Equal(1, second.RowsRead);
        var binding = _fake.Submissions().Last().Bindings!["1"]!;
        Assert.Equal("TIMESTAMP_NTZ", binding["type"]!.GetValue<string>());
        Assert.Equal("253402300799999999000", binding["value"]!.GetValue<string>());
        AssertCleanWire();
    }

    private static SourceDefinition Source(SyncMode mode) => new()
    {
        Name = SourceName,
        Plugin = "snowflake",
        Settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["account"] = Account,
            ["user"] = User,
            ["role"] = "LOADER",
            ["warehouse"] = "LOAD_WH",
            ["database"] = "SALES",
            ["schema"] = "PUBLIC",
            ["timeoutSeconds"] = "120",
            ["maxWaitSeconds"] = "60",
        },
        Streams =
        {
            new StreamDefinition
            {
                Name = "orders",
                Mode = mode,
                PrimaryKey = ["id"],
                Target = new TargetTable { Schema = "snowflake", Table = "orders" },
                Settings = new(StringComparer.OrdinalIgnoreCase) { ["table"] = "sales.public.orders", ["watermark"] = "UPDATED_AT", ["deletedColumn"] = "is_deleted" },
            },
        },
    };

    private async Task SaveAsync(SourceDefinition source)
    {
        source.Settings["baseUrl"] = _fake.BaseUrl.ToString();
        Assert.Empty(_core.Get<SourcePluginRegistry>().Get("snowflake").Validate(source));
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
    }

    private Task<IReadOnlyList<StreamSummary>> SyncAsync() =>
        _core.Get<SyncRunner>().RunAsync([SourceName], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);

    private Task<string?> CursorAsync() => _core.Get<CursorStore>().GetAsync(SourceName, "orders", CancellationToken.None);

    private void AssertCleanWire()
    {
        Assert.Empty(_fake.Violations);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(_keys.PrivateKeyBody[..40], StringComparison.Ordinal));
        foreach (var token in _fake.Requests.Select(r => r.Token).OfType<string>().Distinct())
        {
            Assert.DoesNotContain(_logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
        }
    }

    private async Task<List<string>> ColumnsAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_schema = 'snowflake' AND table_name = 'orders' ORDER BY ordinal_position", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// The target table holds exactly the expected rows. Live rows match every column; a deleted row is marked
    /// deleted with its watermark (its other columns keep the last live values, or its own when first seen deleted).
    /// </summary>
    private async Task AssertTargetAsync(IReadOnlyList<OrderRow> expected, bool deletedKeepValues = false)
    {
        Assert.Equal(
            ["id", "customer", "amount", "rate", "paid", "order_date", "order_time", "created_at", "updated_at", "shipped_at", "attrs", "checksum", "is_deleted"],
            (await ColumnsAsync()).Where(c => !c.StartsWith('_')));
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT id, customer, amount, rate, paid, order_date, order_time, created_at, updated_at, shipped_at, attrs::text, checksum, is_deleted,
                   _daedalus_deleted_at IS NOT NULL, _daedalus_deleted_cursor
            FROM snowflake.orders ORDER BY id
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var actual = new List<(OrderRow Row, bool Gone)>();
        var deletedAt = new List<DateTimeOffset?>();
        while (await reader.ReadAsync())
        {
            T? Get<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
            actual.Add((new OrderRow(
                reader.GetInt64(0),
                Get<string>(1),
                reader.IsDBNull(2) ? null : reader.GetDecimal(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<TimeOnly>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                Get<string>(10),
                reader.IsDBNull(11) ? null : Convert.FromHexString(reader.GetString(11)),
                reader.GetBoolean(12)), reader.GetBoolean(13)));
            deletedAt.Add(reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14));
        }

        var ordered = expected.OrderBy(r => r.Id).ToList();
        Assert.Equal(ordered.Select(r => r.Id), actual.Select(a => a.Row.Id));
        for (var i = 0; i < ordered.Count; i++)
        {
            var (want, (got, gone)) = (ordered[i], actual[i]);
            Assert.Equal(want.IsDeleted, gone);

            // A delete records its own cursor apart; the cursor column keeps the cursor of the row's values.
            Assert.Equal(want.UpdatedAt, want.IsDeleted ? deletedAt[i] : got.UpdatedAt);
            if (want.IsDeleted && !deletedKeepValues)
            {
                continue;
            }

            Assert.Equal(want with { Attrs = null, Checksum = null }, got with { Attrs = null, Checksum = null, UpdatedAt = want.IsDeleted ? want.UpdatedAt : got.UpdatedAt });
            Assert.Equal(want.Checksum, got.Checksum);
            Assert.Equal(want.Attrs is null, got.Attrs is null);
            if (want.Attrs is not null)
            {
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(want.Attrs), JsonNode.Parse(got.Attrs!)), $"attrs of row {want.Id}: {got.Attrs}");
            }
        }
    }
}
