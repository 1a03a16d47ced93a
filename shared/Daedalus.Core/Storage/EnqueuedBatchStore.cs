using Daedalus.Batching;
using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>
/// What became of every batch a pull put on the queue (<c>daedalus.enqueued_batches</c>): queued, then loaded (by the
/// loader, in its transaction), poisoned, or lost. It is the stream's chain of batches as sent: a batch still queued
/// once the queue is empty was lost by storage, and the hole is healed by re-pulling from its <c>cursor_from</c>.
/// </summary>
public sealed class EnqueuedBatchStore
{
    private readonly NpgsqlDataSource _dataSource;

    public EnqueuedBatchStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Records the batch as queued, before it is sent (a batch the loader finds first is simply loaded).</summary>
    public async Task RecordQueuedAsync(Batch batch, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.enqueued_batches (batch_id, run_id, source, stream, sequence, rows, cursor_from, cursor_to)
            VALUES (@BatchId, @RunId, @Source, @Stream, @Sequence, @Rows, @CursorFrom, @CursorTo)
            ON CONFLICT (batch_id, run_id) DO UPDATE SET state = CASE WHEN daedalus.enqueued_batches.state = 'loaded' THEN 'loaded' ELSE 'queued' END,
                enqueued_at = now(), settled_at = NULL;
            INSERT INTO daedalus.run_events (run_id, kind, source, stream, batch_id, detail)
            VALUES (@RunId, 'batch.enqueued', @Source, @Stream, @BatchId, jsonb_build_object('sequence', @Sequence, 'rows', @Rows, 'quarantined', @Quarantined,
                'cursorFrom', @CursorFrom::text, 'cursorTo', @CursorTo::text));
            """,
            new { batch.BatchId, batch.RunId, batch.Source, batch.Stream, batch.Sequence, Rows = batch.Records.Count + (batch.Quarantined?.Count ?? 0), Quarantined = batch.Quarantined?.Count ?? 0, batch.CursorFrom, batch.CursorTo },
            cancellationToken: cancellationToken));
    }

    /// <summary>Forgets a batch whose send failed (the cursor did not move, so nothing is missing).</summary>
    public async Task ForgetAsync(string batchId, Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM daedalus.enqueued_batches WHERE batch_id = @batchId AND run_id = @runId AND state = 'queued';
            DELETE FROM daedalus.run_events WHERE run_id = @runId AND batch_id = @batchId AND kind = 'batch.enqueued';
            """,
            new { batchId, runId }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks a batch poisoned with its error and settles its run.</summary>
    public async Task MarkPoisonedAsync(string batchId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var runIds = (await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            WITH poisoned AS (
                UPDATE daedalus.enqueued_batches SET state = 'poisoned', error = @error, settled_at = now() WHERE batch_id = @batchId AND state <> 'loaded'
                RETURNING run_id, source, stream),
            recorded AS (
                INSERT INTO daedalus.run_events (run_id, kind, source, stream, batch_id, detail)
                SELECT run_id, 'batch.poisoned', source, stream, @batchId, jsonb_build_object('error', @error) FROM poisoned)
            SELECT run_id FROM poisoned
            """,
            new { batchId, error },
            cancellationToken: cancellationToken))).ToList();
        foreach (var id in runIds)
        {
            await RunStore.SettleAsync(connection, id, cancellationToken);
        }
    }

    /// <summary>
    /// Marks as lost every batch still queued for longer than <paramref name="grace"/> (call only when the queue is
    /// empty: nothing can deliver them any more), rewinds each affected stream's cursor to the earliest lost batch's
    /// <c>cursor_from</c> (audited) so the next pull re-reads the hole, and settles the affected runs.
    /// </summary>
    public async Task<IReadOnlyList<LostBatch>> MarkLostAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lost = (await connection.QueryAsync<LostBatch>(new CommandDefinition(
            """
            UPDATE daedalus.enqueued_batches SET state = 'lost', settled_at = now(),
                error = 'lost by storage: still queued when the queue was empty; the stream is re-pulled from this batch''s cursor_from'
            WHERE state = 'queued' AND enqueued_at < now() - make_interval(secs => @seconds)
              -- Not while the source is being pulled: that pull would move the cursor past the rewind.
              AND pg_try_advisory_xact_lock(hashtext('daedalus.pull.' || source))
            RETURNING batch_id, run_id, source, stream, sequence, cursor_from, enqueued_at
            """,
            new { seconds = grace.TotalSeconds },
            transaction,
            cancellationToken: cancellationToken))).ToList();
        foreach (var hole in lost.GroupBy(b => (b.Source, b.Stream)).Select(g => g.OrderBy(b => b.EnqueuedAt).ThenBy(b => b.Sequence).First()))
        {
            var previous = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                """
                INSERT INTO daedalus.cursors (source, stream, value, updated_at) VALUES (@Source, @Stream, @CursorFrom, now())
                ON CONFLICT (source, stream) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
                RETURNING (SELECT value FROM daedalus.cursors WHERE source = @Source AND stream = @Stream)
                """,
                new { hole.Source, hole.Stream, hole.CursorFrom },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO daedalus.audit_log (actor, action, target, detail) VALUES ('daedalus', 'cursor.rewind', @target, jsonb_build_object('previous', @previous::text, 'value', @value::text, 'reason', 'batches lost by storage', 'batch', @batch::text))",
                new { target = $"{hole.Source}/{hole.Stream}", previous, value = hole.CursorFrom, batch = hole.BatchId },
                transaction,
                cancellationToken: cancellationToken));
        }

        foreach (var batch in lost)
        {
            await Runs.RunEventStore.RecordAsync(connection, transaction, batch.RunId, Runs.RunEventKinds.BatchLost, batch.Source, batch.Stream, batch.BatchId, new { batch.Sequence, batch.CursorFrom }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var runId in lost.Select(b => b.RunId).Distinct())
        {
            await RunStore.SettleAsync(connection, runId, cancellationToken);
        }

        return lost;
    }

    /// <summary>Batches waiting, poisoned and lost, for status: counts over the whole ledger of sends.</summary>
    public async Task<(long Queued, long Poisoned, long Lost)> CountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition(
            """
            SELECT count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'poisoned'),
                   count(*) FILTER (WHERE state = 'lost' AND settled_at > now() - interval '1 day')
            FROM daedalus.enqueued_batches WHERE state <> 'loaded'
            """,
            cancellationToken: cancellationToken));
    }
}
