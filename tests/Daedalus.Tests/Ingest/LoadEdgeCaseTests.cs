using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Runs;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Ingest;

/// <summary>
/// Edge cases a hostile review of the exactly-once / exact-values work found: each test failed on the reviewed code
/// (un-aliased dedupe subquery, keys equal to PostgreSQL but not to .NET, NaN in metric values, tie order changed by a
/// split, a run whose batch a later run re-sent) and passes with the fixes.
/// </summary>
public sealed class LoadEdgeCaseTests : IAsyncLifetime
{
    private static readonly StreamSchema Orders = new(
        "orders",
        [new("id", ColumnType.Integer), new("status", ColumnType.Text), new("amount", ColumnType.Decimal), new("day", ColumnType.Date)],
        ["id"],
        "day");

    // Composite key with a decimal member (e.g. a price tier keyed by (product, price)).
    private static readonly StreamSchema Tiers = new(
        "tiers",
        [new("product", ColumnType.Integer), new("price", ColumnType.Decimal), new("label", ColumnType.Text)],
        ["product", "price"],
        null);

    private static readonly StreamSchema Readings = new(
        "readings",
        [new("id", ColumnType.Integer), new("value", ColumnType.Double), new("day", ColumnType.Date)],
        ["id"],
        "day");

    private static readonly DateOnly Day = new(2026, 5, 1);

    private CoreServices _core = null!;
    private SourceDefinition _source = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("review");
        _source = new SourceDefinition { Name = "shop", Plugin = "sample" };
        _source.Streams.Add(new StreamDefinition { Name = "orders", Target = new TargetTable { Schema = "shop", Table = "orders" } });
        _source.Streams.Add(new StreamDefinition { Name = "tiers", Target = new TargetTable { Schema = "shop", Table = "tiers" } });
        _source.Streams.Add(new StreamDefinition { Name = "readings", Target = new TargetTable { Schema = "shop", Table = "readings" } });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private static Batch Make(string id, StreamSchema schema, params SourceRecord[] rows) =>
        new(id, Guid.NewGuid(), "shop", schema.Name, schema, rows, null, id, 0, DateTimeOffset.UtcNow);

    private async Task<LoadResult> LoadAsync(Batch batch)
    {
        var prepared = await _core.Get<BatchPreparer>().PrepareAsync(batch, _source, advanceCursor: true, CancellationToken.None);
        return await _core.Get<BatchLoader>().LoadAsync(prepared, CancellationToken.None);
    }

    /// <summary>
    /// Found by a hostile review (fixed): with a metric rule, a batch that repeats a key fails on PostgreSQL 15: the metric snapshot puts
    /// the DISTINCT ON staging source, an un-aliased subquery, in FROM (42601 "subquery in FROM must have an alias").
    /// </summary>
    [Fact]
    public async Task a_batch_repeating_a_key_loads_when_the_stream_has_a_metric_rule()
    {
        _source.Metrics.Add(new MetricRuleDefinition { Name = "orders_per_day", Stream = "orders", Time = "day", Aggregate = "count", Bucket = "1d" });

        var result = await LoadAsync(Make("dup-metric", Orders, new SourceRecord([1L, "v1", 1m, Day]), new SourceRecord([1L, "v2", 2m, Day])));

        Assert.Equal(1, result.Loaded);
        Assert.Equal(1m, await _core.ScalarAsync<decimal>("SELECT sum(p.count) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'orders_per_day'"));
    }

    /// <summary>
    /// Found by a hostile review (fixed): composite keys are compared in .NET as Convert.ToString joined by U+001F, so 1.0 and 1.00 look
    /// distinct while PostgreSQL numeric finds them equal: no DISTINCT ON, and the merge fails with 21000 (ON
    /// CONFLICT cannot affect a row twice), which is not row-level, so the whole batch is refused.
    /// </summary>
    [Fact]
    public async Task composite_keys_equal_in_postgres_but_spelled_differently_load()
    {
        var result = await LoadAsync(Make("tiers", Tiers, new SourceRecord([1L, 1.0m, "first"]), new SourceRecord([1L, 1.00m, "last"])));

        Assert.Equal(1, result.Loaded);
        Assert.Equal("last", await _core.ScalarAsync<string>("SELECT label FROM shop.tiers"));
    }

    /// <summary>
    /// Found by a hostile review (fixed): a NaN in a metric value column (double) is cast to numeric 'NaN' and summed into the point; the
    /// delta of a later update is NaN - NaN + x = NaN, so the point never follows the table again.
    /// </summary>
    [Fact]
    public async Task a_nan_reading_replaced_later_leaves_the_metric_point_equal_to_the_table()
    {
        _source.Metrics.Add(new MetricRuleDefinition { Name = "reading_sum", Stream = "readings", Time = "day", Value = "value", Aggregate = "sum", Bucket = "1d" });
        await LoadAsync(Make("nan", Readings, new SourceRecord([1L, double.NaN, Day])));
        await LoadAsync(Make("fixed", Readings, new SourceRecord([1L, 5.0, Day.AddDays(0)]), new SourceRecord([2L, 1.0, Day])));

        Assert.Equal(6.0, await _core.ScalarAsync<double>("SELECT sum(value) FROM shop.readings"));
        Assert.Equal("6", await _core.ScalarAsync<string>("SELECT sum(p.sum)::text FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'reading_sum'"));
    }

    /// <summary>Control for the test below (passes): without a refused row, the update (last in source order) wins.</summary>
    [Fact]
    public async Task Control_without_a_refused_row_the_last_version_in_source_order_wins()
    {
        await LoadAsync(Make("mixed", Orders, new SourceRecord([1L, "gone", 1m, Day], IsDeleted: true), new SourceRecord([1L, "back", 2m, Day]), new SourceRecord([2L, "ok", 3m, Day])));

        Assert.False(await _core.ScalarAsync<bool>("SELECT _daedalus_deleted_at IS NOT NULL FROM shop.orders WHERE id = 1"));
    }

    /// <summary>
    /// Found by a hostile review (fixed): the version of a key that wins depends on whether a refused row elsewhere split the batch. A
    /// delete then an update with the same cursor: merged together, the last in source order (the update) wins;
    /// split into halves, the delete lands first and the update (cursor not newer than the delete) cannot undelete.
    /// </summary>
    [Fact]
    public async Task a_refused_row_elsewhere_does_not_change_which_version_of_a_key_wins()
    {
        await LoadAsync(Make("create", Orders, new SourceRecord([100L, "x", 1m, Day])));
        await _core.ScalarAsync<int>("ALTER TABLE shop.orders ALTER COLUMN status SET NOT NULL");

        var result = await LoadAsync(Make(
            "mixed",
            Orders,
            new SourceRecord([1L, "gone", 1m, Day], IsDeleted: true),
            new SourceRecord([1L, "back", 2m, Day]),
            new SourceRecord([2L, null, 3m, Day])));

        Assert.Equal(1, result.Quarantined);
        Assert.False(await _core.ScalarAsync<bool>("SELECT _daedalus_deleted_at IS NOT NULL FROM shop.orders WHERE id = 1"));
    }
    /// <summary>
    /// Found by a hostile review (fixed): a re-read with the same batch id (a full-mode stream re-pulled unchanged: no cursors, same
    /// generation, same content) while the first run's batch is still queued moves the enqueued_batches row to the
    /// new run (RecordQueuedAsync sets run_id = EXCLUDED.run_id). The first run is left with no enqueued row, so
    /// SettleAsync's EXISTS guard never lets it settle: it stays 'loading' forever, even after the supervisor sweep.
    /// </summary>
    [Fact]
    public async Task a_run_whose_batch_is_re_enqueued_by_the_next_run_still_settles()
    {
        var runs = _core.Get<RunStore>();
        var enqueued = _core.Get<EnqueuedBatchStore>();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var rows = new[] { new SourceRecord([1L, "v1", 1m, Day]) };
        var batch1 = new Batch("same-content", first, "shop", "orders", Orders, rows, null, null, 0, DateTimeOffset.UtcNow);
        var batch2 = batch1 with { RunId = second };

        await runs.StartAsync(first, "shop", "test", DateTimeOffset.UtcNow, CancellationToken.None);
        await enqueued.RecordQueuedAsync(batch1, CancellationToken.None);
        await runs.FinishAsync(first, RunStatus.Succeeded, null, DateTimeOffset.UtcNow, CancellationToken.None);
        await runs.StartAsync(second, "shop", "test", DateTimeOffset.UtcNow, CancellationToken.None);
        await enqueued.RecordQueuedAsync(batch2, CancellationToken.None);
        await runs.FinishAsync(second, RunStatus.Succeeded, null, DateTimeOffset.UtcNow, CancellationToken.None);

        // Both messages are delivered: the first loads, the second is a redelivery of the same id.
        await LoadAsync(batch1);
        await LoadAsync(batch2);
        await runs.SettleOpenRunsAsync(CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, (await runs.GetAsync(second, CancellationToken.None))!.Status);
        Assert.Equal(RunStatus.Succeeded, (await runs.GetAsync(first, CancellationToken.None))!.Status);
    }
}
