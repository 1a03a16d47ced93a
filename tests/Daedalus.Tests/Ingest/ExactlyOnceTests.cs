using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Ingest;

/// <summary>
/// Issue 10's faults at the load path, on a real PostgreSQL: batch identity from content, re-reads under a coarse
/// watermark, the stuck cursor, last version wins, late updates to deleted rows and exact metrics under concurrency.
/// </summary>
public sealed class ExactlyOnceTests : IAsyncLifetime
{
    // A Snowflake-like stream with a DATE watermark: many edits share one cursor value.
    private static readonly StreamSchema Schema = new(
        "orders",
        [new("id", ColumnType.Integer), new("status", ColumnType.Text), new("amount", ColumnType.Decimal), new("day", ColumnType.Date)],
        ["id"],
        "day");

    private static readonly DateOnly Day = new(2026, 5, 1);

    private CoreServices _core = null!;
    private SourceDefinition _source = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("exactly");
        _source = new SourceDefinition { Name = "shop", Plugin = "sample" };
        _source.Streams.Add(new StreamDefinition { Name = "orders", Target = new TargetTable { Schema = "shop", Table = "orders" } });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    /// <summary>Batches exactly as a pull makes them: through the Batcher, so ids are the real ones.</summary>
    private static async Task<List<Batch>> PullAsync(string? from, string cursor, params object?[][] rows)
    {
        static async IAsyncEnumerable<SourcePage> Pages(SourcePage page)
        {
            yield return page;
            await Task.CompletedTask;
        }

        var page = new SourcePage(rows.Select(r => new SourceRecord(r)).ToList(), cursor);
        var batches = new List<Batch>();
        await foreach (var batch in Batcher.BatchAsync(Pages(page), "shop", Schema, Guid.NewGuid(), from, "generation:0", 1000, TimeProvider.System, CancellationToken.None))
        {
            batches.Add(batch);
        }

        return batches;
    }

    private async Task<LoadResult> LoadAsync(Batch batch)
    {
        var prepared = await _core.Get<BatchPreparer>().PrepareAsync(batch, _source, advanceCursor: true, CancellationToken.None);
        return await _core.Get<BatchLoader>().LoadAsync(prepared, CancellationToken.None);
    }

    [Fact]
    public async Task A_changed_reread_under_the_same_date_watermark_is_loaded_and_an_identical_one_is_a_no_op()
    {
        // Run 1 reads v1; run 2 re-reads the same day with v2; run 3 with v3; run 4 re-reads v3 unchanged.
        var run1 = (await PullAsync(null, "2026-05-01", [1L, "v1", 1m, Day])).Single();
        var run2 = (await PullAsync("2026-05-01", "2026-05-01", [1L, "v2", 1m, Day])).Single();
        var run3 = (await PullAsync("2026-05-01", "2026-05-01", [1L, "v3", 1m, Day])).Single();
        var run4 = (await PullAsync("2026-05-01", "2026-05-01", [1L, "v3", 1m, Day])).Single();

        Assert.Equal(1, (await LoadAsync(run1)).Loaded);
        Assert.Equal(1, (await LoadAsync(run2)).Loaded);
        var third = await LoadAsync(run3);
        var fourth = await LoadAsync(run4);

        Assert.False(third.AlreadyLoaded);
        Assert.Equal(1, third.Loaded);
        Assert.Equal("v3", await _core.ScalarAsync<string>("SELECT status FROM shop.orders WHERE id = 1"));
        Assert.True(fourth.AlreadyLoaded);
        Assert.True((await LoadAsync(run4)).AlreadyLoaded);
    }

    [Fact]
    public async Task A_stream_whose_every_batch_is_already_loaded_still_ends_at_the_cursor_it_read()
    {
        var batch = (await PullAsync(null, "2026-05-01", [1L, "v1", 1m, Day])).Single();
        await LoadAsync(batch);
        await _core.ScalarAsync<int>("DELETE FROM daedalus.cursors");

        var again = await LoadAsync(batch);

        Assert.True(again.AlreadyLoaded);
        Assert.Equal("2026-05-01", await _core.ScalarAsync<string>("SELECT value FROM daedalus.cursors WHERE source = 'shop' AND stream = 'orders'"));
    }

    [Fact]
    public async Task Equal_cursor_values_for_one_key_in_a_batch_keep_the_last_version_in_source_order()
    {
        var batch = (await PullAsync(null, "2026-05-01", [1L, "first", 1m, Day], [2L, "other", 2m, Day], [1L, "second", 3m, Day], [1L, "last", 4m, Day])).Single();

        await LoadAsync(batch);

        Assert.Equal("last", await _core.ScalarAsync<string>("SELECT status FROM shop.orders WHERE id = 1"));
        Assert.Equal(4m, await _core.ScalarAsync<decimal>("SELECT amount FROM shop.orders WHERE id = 1"));
    }

    [Fact]
    public async Task A_late_older_update_fills_a_deleted_row_without_undeleting_it_and_a_newer_one_undeletes()
    {
        await LoadAsync((await PullAsync(null, "c1", [1L, "v1", 1m, Day])).Single());

        // The delete (day + 3) is loaded before the update it follows (day + 1): e.g. two queue workers.
        var delete = new Batch("delete", Guid.NewGuid(), "shop", "orders", Schema, [new SourceRecord([1L, null, null, Day.AddDays(3)], IsDeleted: true)], "c1", "c3", 0, DateTimeOffset.UtcNow);
        await LoadAsync(delete);
        await LoadAsync((await PullAsync("c1", "c2", [1L, "v2", 2m, Day.AddDays(1)])).Single());

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var row = await connection.QuerySingleAsync<(string Status, decimal Amount, bool Deleted)>("SELECT status, amount, _daedalus_deleted_at IS NOT NULL FROM shop.orders WHERE id = 1");
        Assert.Equal(("v2", 2m, true), row);

        // An even older update changes nothing; one newer than the delete brings the row back.
        await LoadAsync((await PullAsync("c0", "c0", [1L, "v0", 0m, Day])).Single());
        Assert.Equal(("v2", 2m, true), await connection.QuerySingleAsync<(string, decimal, bool)>("SELECT status, amount, _daedalus_deleted_at IS NOT NULL FROM shop.orders WHERE id = 1"));
        await LoadAsync((await PullAsync("c3", "c4", [1L, "v4", 4m, Day.AddDays(4)])).Single());
        Assert.Equal(("v4", 4m, false), await connection.QuerySingleAsync<(string, decimal, bool)>("SELECT status, amount, _daedalus_deleted_at IS NOT NULL FROM shop.orders WHERE id = 1"));
    }

    [Fact]
    public async Task Metric_points_match_the_table_under_concurrent_overlapping_batches_and_redelivery()
    {
        _source.Metrics.Add(new MetricRuleDefinition { Name = "orders_by_status", Stream = "orders", Time = "day", Value = "amount", Aggregate = "sum", Bucket = "1d", Labels = ["status"] });
        await LoadAsync((await PullAsync(null, "c0", Enumerable.Range(1, 200).Select(i => new object?[] { (long)i, "new", i + 0.01m, Day }).ToArray())).Single());

        // Eight batches that all touch the same 200 keys, loaded at once; each moves some rows to another status,
        // changes amounts and deletes a few.
        var batches = new List<Batch>();
        for (var b = 1; b <= 8; b++)
        {
            var rows = Enumerable.Range(1, 200).Select(i => new SourceRecord(
                [(long)i, (i + b) % 3 == 0 ? "paid" : "open", (i * b) + 0.37m, Day.AddDays(b)],
                IsDeleted: (i + b) % 17 == 0)).ToList();
            batches.Add(new Batch($"overlap-{b}", Guid.NewGuid(), "shop", "orders", Schema, rows, "c0", $"c{b}", b, DateTimeOffset.UtcNow));
        }

        await Task.WhenAll(batches.Select(LoadAsync));
        await Task.WhenAll(batches.Take(3).Select(LoadAsync)); // redelivery: no-ops

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var table = (await connection.QueryAsync<(string Status, decimal Sum, long Count)>(
            "SELECT status, sum(amount), count(*) FROM shop.orders WHERE _daedalus_deleted_at IS NULL GROUP BY status ORDER BY status")).ToList();
        var points = (await connection.QueryAsync<(string Status, decimal Sum, long Count)>(
            """
            SELECT s.labels->>'status', sum(p.sum), sum(p.count) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id
            WHERE s.name = 'orders_by_status' GROUP BY 1 HAVING sum(p.count) <> 0 ORDER BY 1
            """)).ToList();
        Assert.Equal(table, points);
    }

    [Fact]
    public async Task Concurrent_first_loads_into_a_table_that_does_not_exist_yet_all_load()
    {
        // Each batch's transaction may create the table; a batch of this process must not COPY into a table another
        // transaction created but has not committed ("relation does not exist").
        _source.Metrics.Add(new MetricRuleDefinition { Name = "orders_per_day", Stream = "orders", Time = "day", Aggregate = "count", Bucket = "1d" });
        var batches = Enumerable.Range(0, 6).Select(b => new Batch(
            $"first-{b}",
            Guid.NewGuid(),
            "shop",
            "orders",
            Schema,
            Enumerable.Range(b * 100, 100).Select(i => new SourceRecord([(long)i, "new", 1m, Day])).ToList(),
            null,
            $"c{b}",
            b,
            DateTimeOffset.UtcNow)).ToList();

        var results = await Task.WhenAll(batches.Select(LoadAsync));

        Assert.All(results, r => Assert.Equal(100, r.Loaded));
        Assert.Equal(600L, await _core.ScalarAsync<long>("SELECT count(*) FROM shop.orders"));
        Assert.Equal(600m, await _core.ScalarAsync<decimal>("SELECT sum(p.count) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'orders_per_day'"));
    }

    [Fact]
    public async Task A_reset_reapplies_every_row_and_restores_rows_deleted_by_hand()
    {
        await _core.Get<SourceCatalog>().UpsertAsync(SampleCustomers(), "test", CancellationToken.None);
        var runner = _core.Get<Daedalus.Pipeline.SyncRunner>();
        var sink = _core.Get<Daedalus.Pipeline.InProcessSink>();
        var first = await runner.RunAsync(["reset_me"], sink, "test", null, CancellationToken.None);
        Assert.Equal(500, first.Single().RowsLoaded);
        await _core.ScalarAsync<int>("DELETE FROM reset_me.customers WHERE id <= 50; UPDATE reset_me.customers SET name = 'edited by hand' WHERE id = 60");

        await _core.Get<CursorStore>().ResetAsync("reset_me", "customers", "test", CancellationToken.None);
        var again = await runner.RunAsync(["reset_me"], sink, "test", null, CancellationToken.None);

        Assert.Equal(500, again.Single().RowsRead);
        Assert.Equal(500, again.Single().RowsLoaded);
        Assert.Equal(500, await _core.ScalarAsync<long>("SELECT count(*) FROM reset_me.customers"));
        Assert.NotEqual("edited by hand", await _core.ScalarAsync<string>("SELECT name FROM reset_me.customers WHERE id = 60"));

        // Without a reset, the same re-read (cursor cleared by hand, same generation) is recognised: nothing is rewritten.
        await _core.ScalarAsync<int>("UPDATE daedalus.cursors SET value = NULL WHERE source = 'reset_me'");
        var third = await runner.RunAsync(["reset_me"], sink, "test", null, CancellationToken.None);
        Assert.Equal((500L, 0L), (third.Single().RowsRead, third.Single().RowsLoaded));
    }

    private static SourceDefinition SampleCustomers()
    {
        var source = Daedalus.Sources.Sample.SampleSourceDefinition.Create("reset_me", 500, targetSchema: "reset_me");
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        foreach (var stream in source.Streams)
        {
            stream.Protect.Clear();
        }

        return source;
    }
}
