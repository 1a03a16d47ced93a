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
/// Two loads of one stream in flight (what <c>daedalus sync</c> does): the second stages while the first merges, and
/// commits only after it, or not at all when it is withdrawn. Real PostgreSQL.
/// </summary>
public sealed class PipelinedLoadTests : IAsyncLifetime
{
    private static readonly StreamSchema Schema = new(
        "orders",
        [new("id", ColumnType.Integer), new("status", ColumnType.Text), new("amount", ColumnType.Decimal), new("updated_at", ColumnType.Timestamp)],
        ["id"],
        "updated_at");

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private CoreServices _core = null!;
    private SourceDefinition _source = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("pipelined");
        _source = new SourceDefinition { Name = "shop", Plugin = "sample" };
        _source.Streams.Add(new StreamDefinition { Name = "orders", Target = new TargetTable { Schema = "shop", Table = "orders" } });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private static Batch MakeBatch(string id, string cursorTo, params object?[][] rows) =>
        new(id, Guid.NewGuid(), "shop", "orders", Schema, rows.Select(r => new SourceRecord(r)).ToList(), null, cursorTo, 0, T0);

    private ValueTask<PreparedBatch> PrepareAsync(Batch batch) =>
        _core.Get<BatchPreparer>().PrepareAsync(batch, _source, advanceCursor: true, CancellationToken.None);

    private async Task<string> StateAsync()
    {
        var rows = await _core.TextRowsAsync("SELECT id::text || '=' || status || '/' || amount::text FROM shop.orders ORDER BY id");
        var ledger = await _core.TextRowsAsync("SELECT batch_id FROM daedalus.batches ORDER BY batch_id");
        var cursor = await _core.ScalarAsync<string?>("SELECT value FROM daedalus.cursors WHERE source = 'shop' AND stream = 'orders'");
        return $"rows [{string.Join(", ", rows)}] ledger [{string.Join(", ", ledger)}] cursor {cursor}";
    }

    /// <summary>Relation locks of other sessions in this database: a staging table being written holds one.</summary>
    private async Task WaitForStagingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await _core.ScalarAsync<long>(
            "SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'relation' AND mode = 'AccessExclusiveLock' AND pid <> pg_backend_pid()") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the waiting load never created its staging table");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Next_batch_stages_while_the_previous_one_is_pending_and_commits_after_it()
    {
        var loader = _core.Get<BatchLoader>();
        await loader.LoadAsync(await PrepareAsync(MakeBatch("b1", "c1", [1L, "new", 10.10m, T0], [2L, "new", 20.20m, T0], [3L, "new", 30.30m, T0])), CancellationToken.None);
        var second = await PrepareAsync(MakeBatch("b2", "c2", [1L, "paid", 10.11m, T0.AddHours(1)], [2L, "paid", 20.21m, T0.AddHours(1)]));
        var third = await PrepareAsync(MakeBatch("b3", "c3", [2L, "shipped", 20.22m, T0.AddHours(2)], [4L, "new", 40.40m, T0.AddHours(2)]));
        var before = await StateAsync();

        var secondGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thirdGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondLoad = loader.LoadAsync(second, secondGate.Task, CancellationToken.None);
        var thirdLoad = loader.LoadAsync(third, thirdGate.Task, CancellationToken.None);

        // Both have started (keys 1 and 2 are stored, so both need the merge and stage now), and nothing is visible.
        await WaitForStagingAsync();
        Assert.Equal(before, await StateAsync());
        Assert.False(secondLoad.IsCompleted);
        Assert.False(thirdLoad.IsCompleted);

        secondGate.SetResult();
        var secondResult = await secondLoad;
        Assert.False(thirdLoad.IsCompleted);
        Assert.Equal("rows [1=paid/10.11, 2=paid/20.21, 3=new/30.30] ledger [b1, b2] cursor c2", await StateAsync());

        thirdGate.SetResult();
        var thirdResult = await thirdLoad;
        Assert.Equal((2, 2), (secondResult.Loaded, thirdResult.Loaded));
        Assert.Equal("rows [1=paid/10.11, 2=shipped/20.22, 3=new/30.30, 4=new/40.40] ledger [b1, b2, b3] cursor c3", await StateAsync());
    }

    [Fact]
    public async Task A_withdrawn_batch_leaves_no_trace()
    {
        var loader = _core.Get<BatchLoader>();
        await loader.LoadAsync(await PrepareAsync(MakeBatch("b1", "c1", [1L, "new", 10.10m, T0])), CancellationToken.None);
        var staged = await PrepareAsync(MakeBatch("b2", "c2", [1L, "paid", 10.11m, T0.AddHours(1)], [2L, "new", 20.20m, T0.AddHours(1)]));
        var fresh = await PrepareAsync(MakeBatch("b3", "c3", [5L, "new", 50.50m, T0.AddHours(2)]));
        var before = await StateAsync();

        // One that staged (key 1 is stored) and one that did not (all keys new: it waits for the direct COPY).
        var stagedGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var freshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stagedLoad = loader.LoadAsync(staged, stagedGate.Task, CancellationToken.None);
        var freshLoad = loader.LoadAsync(fresh, freshGate.Task, CancellationToken.None);
        await WaitForStagingAsync();
        stagedGate.SetCanceled();
        freshGate.SetCanceled();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stagedLoad);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => freshLoad);

        // Withdrawn before the load even started (the runner may cancel a gate that early), and failed gates.
        var cancelled = new TaskCompletionSource();
        cancelled.SetCanceled();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loader.LoadAsync(staged, cancelled.Task, CancellationToken.None));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loader.LoadAsync(fresh, cancelled.Task, CancellationToken.None));
        await Assert.ThrowsAsync<TimeoutException>(() => loader.LoadAsync(fresh, Task.FromException(new TimeoutException("previous batch failed")), CancellationToken.None));
        Assert.Equal(before, await StateAsync());
        Assert.Equal(0, await _core.ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine"));

        // Withdrawn is not loaded: the same batches load normally afterwards.
        Assert.Equal(2, (await loader.LoadAsync(staged, CancellationToken.None)).Loaded);
        Assert.Equal(1, (await loader.LoadAsync(fresh, CancellationToken.None)).Loaded);
        Assert.Equal("rows [1=paid/10.11, 2=new/20.20, 5=new/50.50] ledger [b1, b2, b3] cursor c3", await StateAsync());
    }

    [Fact]
    public async Task A_waiting_batch_holds_no_lock_that_the_previous_batch_s_new_column_needs()
    {
        // The previous batch brings a new column (ALTER TABLE, which needs the table to itself) while the next one,
        // same new schema, has already probed the target and staged behind its gate. If that probe's lock were held
        // in the waiting transaction, the ALTER would wait for it forever: PostgreSQL cannot see the gate.
        var loader = _core.Get<BatchLoader>();
        await loader.LoadAsync(await PrepareAsync(MakeBatch("b1", "c1", [1L, "new", 10.10m, T0], [2L, "new", 20.20m, T0])), CancellationToken.None);
        var wider = Schema with { Columns = [.. Schema.Columns, new("note", ColumnType.Text)] };
        Batch Wide(string id, string cursorTo, params object?[][] rows) =>
            new(id, Guid.NewGuid(), "shop", "orders", wider, rows.Select(r => new SourceRecord(r)).ToList(), null, cursorTo, 0, T0);
        var second = await PrepareAsync(Wide("b2", "c2", [1L, "paid", 10.11m, T0.AddHours(1), "first note"]));
        var third = await PrepareAsync(Wide("b3", "c3", [2L, "paid", 20.21m, T0.AddHours(2), "second note"]));

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thirdLoad = loader.LoadAsync(third, gate.Task, CancellationToken.None);
        try
        {
            await WaitForStagingAsync();
            await loader.LoadAsync(second, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            gate.TrySetResult();
        }

        Assert.Equal(1, (await thirdLoad).Loaded);
        Assert.Equal(
            ["1=paid/10.11/first note", "2=paid/20.21/second note"],
            await _core.TextRowsAsync("SELECT id::text || '=' || status || '/' || amount::text || '/' || note FROM shop.orders ORDER BY id"));
    }

    [Fact]
    public async Task A_row_refused_in_a_staged_batch_is_isolated_after_the_wait()
    {
        var loader = _core.Get<BatchLoader>();
        await loader.LoadAsync(await PrepareAsync(MakeBatch("b1", "c1", [1L, "new", 10.10m, T0], [2L, "new", 20.20m, T0])), CancellationToken.None);
        await using (var connection = new NpgsqlConnection(_core.ConnectionString))
        {
            // A rule of the target only (the staging table has no such check): found by the merge, not the COPY.
            await connection.ExecuteAsync("ALTER TABLE shop.orders ADD CONSTRAINT amount_below_1000 CHECK (amount < 1000)");
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = loader.LoadAsync(await PrepareAsync(MakeBatch("b2", "c2", [1L, "paid", 10.11m, T0.AddHours(1)], [2L, "paid", 1000m, T0.AddHours(1)])), gate.Task, CancellationToken.None);
        await WaitForStagingAsync();
        gate.SetResult();
        var result = await load;

        Assert.Equal((1, 1), (result.Loaded, result.Quarantined));
        Assert.Equal("rows [1=paid/10.11, 2=new/20.20] ledger [b1, b2] cursor c2", await StateAsync());
        Assert.Contains("23514", await _core.ScalarAsync<string>("SELECT reason FROM daedalus.quarantine"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_refused_in_a_staged_batch_that_adds_a_column_keeps_the_column_and_the_other_rows()
    {
        // The new column is added after the gate; the refused row's rollback must not take that ALTER with it.
        var loader = _core.Get<BatchLoader>();
        await loader.LoadAsync(await PrepareAsync(MakeBatch("b1", "c1", [1L, "new", 10.10m, T0], [2L, "new", 20.20m, T0])), CancellationToken.None);
        await _core.ScalarAsync<int>("ALTER TABLE shop.orders ADD CONSTRAINT amount_below_1000 CHECK (amount < 1000); SELECT 1;");
        var wider = Schema with { Columns = [.. Schema.Columns, new("note", ColumnType.Text)] };
        var batch = new Batch("b2", Guid.NewGuid(), "shop", "orders", wider, [new SourceRecord([1L, "paid", 10.11m, T0.AddHours(1), "kept"]), new SourceRecord([2L, "paid", 1000m, T0.AddHours(1), "refused"])], null, "c2", 0, T0);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = loader.LoadAsync(await PrepareAsync(batch), gate.Task, CancellationToken.None);
        await WaitForStagingAsync();
        gate.SetResult();
        var result = await load;

        Assert.Equal((1, 1), (result.Loaded, result.Quarantined));
        Assert.Equal(
            ["1=paid/kept", "2=new/"],
            await _core.TextRowsAsync("SELECT id::text || '=' || status || '/' || coalesce(note, '') FROM shop.orders ORDER BY id"));
    }
}
