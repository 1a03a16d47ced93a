using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Pipeline;

/// <summary>End-to-end in-process syncs of the sample source into a real PostgreSQL.</summary>
public sealed class SampleSyncTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("sync");
        await _core.Get<SourceCatalog>().UpsertAsync(SampleSourceDefinition.Create("sample", 3_000), "test", CancellationToken.None);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private Task<IReadOnlyList<StreamSummary>> SyncAsync(CoreServices? core = null)
    {
        core ??= _core;
        return core.Get<SyncRunner>().RunAsync(["sample"], core.Get<InProcessSink>(), "test", null, CancellationToken.None);
    }

    private async Task<T> ScalarAsync<T>(string sql, string? connectionString = null)
    {
        await using var connection = new NpgsqlConnection(connectionString ?? _core.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException("null");
    }

    [Fact]
    public async Task First_sync_loads_every_valid_row_and_quarantines_the_rest()
    {
        var summaries = await SyncAsync();

        var customers = summaries.Single(s => s.Stream == "customers");
        Assert.Equal(RunStatus.Succeeded, customers.Status);
        Assert.Equal(3_000, customers.RowsRead);
        Assert.True(customers.Quarantined > 0, "the sample source produces some invalid emails");
        Assert.Equal(customers.RowsRead, customers.RowsLoaded + customers.Quarantined);
        Assert.Equal(customers.RowsLoaded, await ScalarAsync<long>("SELECT count(*) FROM sample.customers"));
        Assert.Equal(customers.Quarantined, await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE stream = 'customers'"));
        Assert.Equal(6_000, summaries.Single(s => s.Stream == "invoices").RowsRead);
        Assert.Equal("succeeded", await ScalarAsync<string>("SELECT status FROM daedalus.runs"));
        Assert.Equal(9_000, await ScalarAsync<long>("SELECT rows_read FROM daedalus.runs"));
    }

    [Fact]
    public async Task Two_databases_synced_from_the_same_config_hold_the_same_rows()
    {
        await using var other = await CoreServices.StartAsync("sync2");
        await other.Get<SourceCatalog>().UpsertAsync(SampleSourceDefinition.Create("sample", 3_000), "test", CancellationToken.None);
        await SyncAsync();
        await SyncAsync(other);

        foreach (var table in new[] { "customers", "invoices" })
        {
            // Encrypted values differ (random keys and nonces); everything else is deterministic.
            var sql = $"SELECT count(*) || ':' || md5(string_agg(id || status || updated_at::text, ',' ORDER BY id)) FROM sample.{table}";
            Assert.Equal(await ScalarAsync<string>(sql), await ScalarAsync<string>(sql, other.ConnectionString));
        }
    }

    [Fact]
    public async Task Incremental_second_run_reads_only_changes_and_applies_updates_and_deletes()
    {
        await SyncAsync();
        var before = await ScalarAsync<long>("SELECT count(*) FROM sample.customers");
        var cursorBefore = await _core.Get<CursorStore>().GetAsync("sample", "customers", CancellationToken.None);

        var second = (await SyncAsync()).Single(s => s.Stream == "customers");

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.InRange(second.RowsRead, 1, 300); // ~1.1% of 3,000 rows change per generation
        var cursorAfter = await _core.Get<CursorStore>().GetAsync("sample", "customers", CancellationToken.None);
        Assert.True(DateTimeOffset.Parse(cursorAfter!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse(cursorBefore!, System.Globalization.CultureInfo.InvariantCulture));

        // Updated rows now carry the second generation's timestamp; deleted rows are kept and stamped.
        var updated = await ScalarAsync<long>("SELECT count(*) FROM sample.customers WHERE updated_at >= '2026-01-01T00:01:00Z' AND _daedalus_deleted_at IS NULL");
        var deleted = await ScalarAsync<long>("SELECT count(*) FROM sample.customers WHERE _daedalus_deleted_at IS NOT NULL");
        Assert.Equal(second.RowsLoaded, updated + deleted);
        Assert.True(updated > 0);
        Assert.Equal(second.Deleted, deleted);
        // Changes only: no new customers, except ids whose first version was quarantined and is now valid.
        var after = await ScalarAsync<long>("SELECT count(*) FROM sample.customers");
        Assert.InRange(after, before, before + second.RowsLoaded);
    }

    [Fact]
    public async Task Generation_with_deletes_marks_rows_deleted_without_losing_their_values()
    {
        var source = SampleSourceDefinition.Create("sample", 3_000);
        source.Settings["deleteRate"] = "0.05";
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        await SyncAsync();
        var second = (await SyncAsync()).Single(s => s.Stream == "invoices");

        Assert.InRange(second.Deleted, 200, 400); // 5% of 6,000
        Assert.Equal(second.Deleted, await ScalarAsync<long>("SELECT count(*) FROM sample.invoices WHERE _daedalus_deleted_at IS NOT NULL"));
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM sample.invoices WHERE _daedalus_deleted_at IS NOT NULL AND number IS NULL"));
    }

    [Fact]
    public async Task Encrypted_columns_never_hold_plaintext_and_decrypt_back()
    {
        await SyncAsync();
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var rows = (await connection.QueryAsync<(long Id, string Email, string Phone)>("SELECT id, email, phone FROM sample.customers ORDER BY id LIMIT 50")).ToList();
        var settings = SampleSettings.From(SampleSourceDefinition.Create("sample", 3_000));
        var protector = _core.Get<ColumnProtector>();
        foreach (var (id, email, phone) in rows)
        {
            var original = SampleData.Customer(settings, 0, id);
            Assert.NotEqual((string)original[2]!, email);
            Assert.StartsWith("enc:v1:", email, StringComparison.Ordinal);
            Assert.Equal((string)original[2]!, await protector.DecryptAsync(email, CancellationToken.None));
            Assert.StartsWith("hmac:v1:", phone, StringComparison.Ordinal);
            Assert.DoesNotContain((string)original[3]!, phone, StringComparison.Ordinal);
        }

        // The quarantine holds protected values too, never the plaintext email.
        var quarantined = await connection.QueryAsync<string>("SELECT row->>'email' FROM daedalus.quarantine WHERE stream = 'customers'");
        Assert.All(quarantined, e => Assert.StartsWith("enc:v1:", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quarantined_rows_carry_the_rule_and_reason()
    {
        await SyncAsync();
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var rows = (await connection.QueryAsync<(string Stream, string Rule, string Reason)>("SELECT stream, rule, reason FROM daedalus.quarantine")).ToList();
        Assert.NotEmpty(rows);
        Assert.Contains(rows, r => r.Stream == "customers" && r.Rule.StartsWith("email matches", StringComparison.Ordinal) && r.Reason.Contains("does not match", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Stream == "invoices" && r.Rule.StartsWith("amount in [0", StringComparison.Ordinal) && r.Reason.Contains("outside", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_source_pulled_elsewhere_is_skipped_not_pulled_twice()
    {
        await using var holder = new NpgsqlConnection(_core.ConnectionString);
        await holder.OpenAsync();
        await holder.ExecuteAsync("SELECT pg_advisory_lock(hashtext('daedalus.pull.sample'))");

        var summaries = await SyncAsync();

        Assert.Equal(RunStatus.Skipped, Assert.Single(summaries).Status);
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM daedalus.runs"));
        await holder.ExecuteAsync("SELECT pg_advisory_unlock(hashtext('daedalus.pull.sample'))");
        Assert.All(await SyncAsync(), s => Assert.Equal(RunStatus.Succeeded, s.Status));
    }

    [Fact]
    public async Task Metric_rules_and_pipeline_metrics_produce_points_that_follow_updates()
    {
        await SyncAsync();
        var expected = await ScalarAsync<decimal>("SELECT sum(amount) FROM sample.invoices WHERE _daedalus_deleted_at IS NULL");
        Assert.Equal((double)expected, await ScalarAsync<double>("SELECT sum(p.sum) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'invoice_amount'"), 3);

        await SyncAsync();
        var afterUpdates = await ScalarAsync<decimal>("SELECT sum(amount) FROM sample.invoices WHERE _daedalus_deleted_at IS NULL");
        Assert.Equal((double)afterUpdates, await ScalarAsync<double>("SELECT sum(p.sum) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'invoice_amount'"), 3);
        Assert.Equal(
            await ScalarAsync<long>("SELECT count(*) FROM sample.invoices WHERE _daedalus_deleted_at IS NULL"),
            await ScalarAsync<long>("SELECT sum(p.count) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'invoices_by_status'"));
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM daedalus.metric_series WHERE name = 'daedalus_rows_loaded'") >= 2);
    }
}
