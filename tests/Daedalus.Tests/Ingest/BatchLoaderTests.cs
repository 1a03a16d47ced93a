using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Ingest;

/// <summary>The load transaction's guarantees, against a real PostgreSQL.</summary>
public sealed class BatchLoaderTests : IAsyncLifetime
{
    private static readonly StreamSchema Schema = new(
        "orders",
        [new("id", ColumnType.Integer), new("status", ColumnType.Text), new("amount", ColumnType.Decimal), new("updated_at", ColumnType.Timestamp)],
        ["id"],
        "updated_at");

    private CoreServices _core = null!;
    private SourceDefinition _source = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("loader");
        _source = new SourceDefinition { Name = "shop", Plugin = "sample" };
        _source.Streams.Add(new StreamDefinition { Name = "orders", Target = new TargetTable { Schema = "shop", Table = "orders" } });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static Batch MakeBatch(string id, StreamSchema schema, params object?[][] rows) =>
        new(id, Guid.NewGuid(), "shop", "orders", schema, rows.Select(r => new SourceRecord(r)).ToList(), null, "c", 0, T0);

    private async Task<LoadResult> LoadAsync(Batch batch)
    {
        var prepared = await _core.Get<BatchPreparer>().PrepareAsync(batch, _source, advanceCursor: true, CancellationToken.None);
        return await _core.Get<BatchLoader>().LoadAsync(prepared, CancellationToken.None);
    }

    private async Task<List<(long Id, string Status, decimal Amount)>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return (await connection.QueryAsync<(long, string, decimal)>("SELECT id, status, amount FROM shop.orders ORDER BY id")).ToList();
    }

    [Fact]
    public async Task Redelivered_batch_is_a_no_op()
    {
        var batch = MakeBatch("b1", Schema, [1L, "new", 10m, T0], [2L, "new", 20m, T0]);
        var first = await LoadAsync(batch);
        var rowsAfterFirst = await RowsAsync();

        var second = await LoadAsync(batch);

        Assert.False(first.AlreadyLoaded);
        Assert.Equal(2, first.Loaded);
        Assert.True(second.AlreadyLoaded);
        Assert.Equal(rowsAfterFirst, await RowsAsync());
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.batches WHERE batch_id = 'b1'"));
        Assert.Equal("c", await connection.ExecuteScalarAsync<string>("SELECT value FROM daedalus.cursors WHERE source = 'shop' AND stream = 'orders'"));
    }

    [Fact]
    public async Task New_keys_copy_straight_in_and_later_batches_still_merge_by_key()
    {
        var schema = Schema with { Columns = [new("id", ColumnType.Text), .. Schema.Columns.Skip(1)] };
        var first = await LoadAsync(MakeBatch("text-1", schema, ["a", "new", 1m, T0], ["b", "new", 2m, T0]));
        var deleteOfUnknown = new Batch("text-2", Guid.NewGuid(), "shop", "orders", schema, [new SourceRecord(["z", null, null, T0], IsDeleted: true)], "c", "d", 0, T0);
        await LoadAsync(deleteOfUnknown);
        var second = await LoadAsync(MakeBatch("text-3", schema, ["b", "paid", 2m, T0.AddHours(1)], ["c", "new", 3m, T0]));

        Assert.Equal((2, 0), (first.Loaded, first.Stale));
        Assert.Equal((2, 0), (second.Loaded, second.Stale));
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var rows = (await connection.QueryAsync<(string Id, string? Status, bool Deleted, string Batch)>(
            "SELECT id, status, _daedalus_deleted_at IS NOT NULL, _daedalus_batch_id FROM shop.orders ORDER BY id")).ToList();
        Assert.Equal([("a", "new", false, "text-1"), ("b", "paid", false, "text-3"), ("c", "new", false, "text-3"), ("z", null, true, "text-2")], rows);
    }

    [Fact]
    public async Task Older_cursor_value_never_overwrites_a_newer_row()
    {
        await LoadAsync(MakeBatch("newer", Schema, [1L, "shipped", 15m, T0.AddHours(2)]));

        var stale = await LoadAsync(MakeBatch("older", Schema, [1L, "new", 10m, T0], [2L, "new", 20m, T0]));

        Assert.Equal(1, stale.Stale);
        Assert.Equal(1, stale.Loaded);
        Assert.Equal([(1L, "shipped", 15m), (2L, "new", 20m)], await RowsAsync());
    }

    [Fact]
    public async Task Same_key_twice_in_one_batch_keeps_the_newest_version()
    {
        await LoadAsync(MakeBatch("dups", Schema, [1L, "second", 2m, T0.AddMinutes(5)], [1L, "first", 1m, T0]));
        Assert.Equal([(1L, "second", 2m)], await RowsAsync());
    }

    [Fact]
    public async Task Delete_stamps_the_soft_delete_column_and_keeps_values()
    {
        await LoadAsync(MakeBatch("insert", Schema, [1L, "new", 10m, T0]));
        var delete = new Batch("delete", Guid.NewGuid(), "shop", "orders", Schema, [new SourceRecord([1L, null, null, T0.AddHours(1)], IsDeleted: true)], "c", "d", 0, T0);
        var result = await LoadAsync(delete);

        Assert.Equal(1, result.Deleted);
        Assert.Equal([(1L, "new", 10m)], await RowsAsync());
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM shop.orders WHERE _daedalus_deleted_at IS NOT NULL"));
    }

    [Fact]
    public async Task New_source_column_is_added_and_lossy_type_change_is_refused()
    {
        await LoadAsync(MakeBatch("v1", Schema, [1L, "new", 10m, T0]));
        var wider = Schema with { Columns = [.. Schema.Columns, new ColumnSchema("channel", ColumnType.Text)] };

        await LoadAsync(MakeBatch("v2", wider, [2L, "new", 20m, T0, "web"]));

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        Assert.Equal("web", await connection.ExecuteScalarAsync<string>("SELECT channel FROM shop.orders WHERE id = 2"));
        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT channel FROM shop.orders WHERE id = 1"));

        var narrowed = Schema with { Columns = [Schema.Columns[0], new ColumnSchema("status", ColumnType.Integer), Schema.Columns[2], Schema.Columns[3]] };
        var error = await Assert.ThrowsAsync<SchemaChangeException>(() => LoadAsync(MakeBatch("v3", narrowed, [3L, 7L, 30m, T0])));
        Assert.Contains("status is text", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.batches WHERE batch_id = 'v3'"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM shop.orders"));
    }

    [Fact]
    public async Task Failed_load_leaves_no_ledger_row_cursor_or_quarantine()
    {
        _source.Streams[0].Qa.Add(new QaRuleDefinition { Column = "amount", Rule = "range", Min = 0 });
        await LoadAsync(MakeBatch("ok", Schema, [1L, "new", 10m, T0]));
        var narrowed = Schema with { Columns = [Schema.Columns[0], new ColumnSchema("status", ColumnType.Boolean), Schema.Columns[2], Schema.Columns[3]] };

        await Assert.ThrowsAsync<SchemaChangeException>(() => LoadAsync(MakeBatch("bad", narrowed, [2L, true, -5m, T0], [3L, true, 5m, T0])));

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.batches WHERE batch_id = 'bad'"));
    }
}
