using System.Diagnostics;
using Daedalus.Ingest;
using Daedalus.Metrics;
using Daedalus.Sources;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Daedalus.Storage;

/// <summary>
/// Loads a prepared batch in ONE transaction: ledger row (the idempotency guard), binary COPY into a staging table,
/// merge into the target by primary key (never overwriting a newer cursor value), quarantine rows, metric points,
/// run counters and, for in-process syncs, the stream cursor.
/// <para>
/// Rows are isolated: when PostgreSQL refuses the data of some row (a value out of range, a NOT NULL or CHECK
/// violation, an index row too large...), the batch is split in halves under savepoints until the refused rows are
/// alone; they go to <c>daedalus.quarantine</c> with the SQLSTATE and the column, and every other row loads.
/// Errors never carry a cell value (see <see cref="PostgresFailure"/>).
/// </para>
/// </summary>
public sealed class BatchLoader
{
    private const string StagingName = "daedalus_staging";
    private const string RowsSavepoint = "daedalus_rows";
    private const string PreStageSavepoint = "daedalus_prestage";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TargetTableManager _tables;
    private readonly ILogger _logger;

    public BatchLoader(NpgsqlDataSource dataSource, TargetTableManager tables, ILogger<BatchLoader>? logger = null)
    {
        _dataSource = dataSource;
        _tables = tables;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Task<LoadResult> LoadAsync(PreparedBatch prepared, CancellationToken cancellationToken) =>
        LoadAsync(prepared, Task.CompletedTask, cancellationToken);

    /// <summary>
    /// Loads <paramref name="prepared"/> once <paramref name="after"/> (the previous batch of the same stream,
    /// committed) completes. Until then only work nothing else can see is done: the ledger row and, when the batch
    /// will need the merge, the binary COPY into this transaction's staging table, so that COPY overlaps the previous
    /// batch's merge. The target table, the stream cursor and the run counters are only touched after it. When
    /// <paramref name="after"/> is cancelled or faults, this transaction is rolled back and the same exception is thrown.
    /// </summary>
    public async Task<LoadResult> LoadAsync(PreparedBatch prepared, Task after, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var batch = prepared.Batch;
        var total = prepared.Rows.Count + prepared.Quarantined.Count;
        using var span = Telemetry.DaedalusTracing.Source.StartActivity(Telemetry.DaedalusTracing.BatchMergeSpan);
        span?.SetTag("daedalus.run_id", batch.RunId.ToString());
        span?.SetTag("daedalus.batch_id", batch.BatchId);
        span?.SetTag("daedalus.source", batch.Source);
        span?.SetTag("daedalus.stream", batch.Stream);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            // The ledger insert comes first: a concurrent or redelivered copy of this batch blocks here, then finds it done.
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO daedalus.batches (batch_id, run_id, source, stream, sequence, rows, cursor_from, cursor_to)
                VALUES (@BatchId, @RunId, @Source, @Stream, @Sequence, @Rows, @CursorFrom, @CursorTo)
                ON CONFLICT (batch_id) DO NOTHING
                """,
                new { batch.BatchId, batch.RunId, batch.Source, batch.Stream, batch.Sequence, Rows = total, batch.CursorFrom, batch.CursorTo },
                transaction,
                cancellationToken: cancellationToken));
            var stage = Telemetry.DaedalusInstruments.RecordLoadStage("ledger", started);
            if (inserted == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                await after;
                await SettleSkippedAsync(connection, prepared, cancellationToken);
                return LoadResult.Skipped(batch.BatchId, total);
            }

            var quarantined = new List<QuarantinedRow>(prepared.Quarantined);
            var loaded = 0;
            var deleted = 0;
            var rejectedAtLoad = 0;
            string? layout = null;
            var preStaged = false;
            // Not IsCompleted: a gate already cancelled or faulted must still be awaited (and throw), never skipped.
            if (!after.IsCompletedSuccessfully)
            {
                preStaged = prepared.Rows.Count > 0 && await PreStageAsync(connection, transaction, prepared, cancellationToken);
                stage = Telemetry.DaedalusInstruments.RecordLoadStage(preStaged ? "stage" : "probe", stage);
                await after;
                stage = Telemetry.DaedalusInstruments.RecordLoadStage("wait", stage);
            }

            if (prepared.Rows.Count > 0)
            {
                layout = await _tables.EnsureAsync(connection, transaction, batch.Stream, prepared.Target.Schema, prepared.Target.Table, prepared.Columns, prepared.PrimaryKey, prepared.CursorColumn, cancellationToken);
                stage = Telemetry.DaedalusInstruments.RecordLoadStage("ledger", stage);
                var before = quarantined.Count;
                loaded = preStaged
                    ? await MergeStagedAsync(connection, transaction, prepared, quarantined, cancellationToken)
                    : await LoadIsolatedAsync(connection, transaction, prepared, Segment.Of(prepared.Rows), quarantined, cancellationToken);
                rejectedAtLoad = quarantined.Count - before;
                deleted = rejectedAtLoad == 0 ? prepared.DeletedCount : prepared.Rows.Count(r => r.IsDeleted) - quarantined.Skip(before).Count(q => q.Deleted);
                stage = Stopwatch.GetTimestamp();
            }

            if (quarantined.Count > 0)
            {
                await QuarantineAsync(connection, transaction, prepared, quarantined, cancellationToken);
            }

            var stale = prepared.Rows.Count - rejectedAtLoad - loaded;
            var duration = Stopwatch.GetElapsedTime(started);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE daedalus.batches SET loaded = @loaded, quarantined = @quarantined, deleted = @deleted, stale = @stale, duration_ms = @ms WHERE batch_id = @id;
                UPDATE daedalus.runs SET rows_loaded = rows_loaded + @loaded, rows_quarantined = rows_quarantined + @quarantined,
                    rows_deleted = rows_deleted + @deleted WHERE id = @run;
                UPDATE daedalus.enqueued_batches SET state = 'loaded', error = NULL, settled_at = now() WHERE batch_id = @id;
                INSERT INTO daedalus.run_events (run_id, kind, source, stream, batch_id, detail)
                VALUES (@run, 'batch.loaded', @source, @stream, @id, jsonb_build_object('sequence', @sequence, 'rows', @rows, 'loaded', @loaded,
                    'quarantined', @quarantined, 'deleted', @deleted, 'stale', @stale, 'durationMs', @ms));
                """,
                new { id = batch.BatchId, run = batch.RunId, source = batch.Source, stream = batch.Stream, sequence = batch.Sequence, rows = total, loaded, quarantined = quarantined.Count, deleted, stale, ms = (int)duration.TotalMilliseconds },
                transaction,
                cancellationToken: cancellationToken));
            if (prepared.AdvanceCursor && batch.CursorTo is not null)
            {
                await CursorStore.AdvanceAsync(connection, transaction, batch.Source, batch.Stream, batch.CursorTo, cancellationToken);
            }

            stage = Telemetry.DaedalusInstruments.RecordLoadStage("bookkeeping", stage);
            await transaction.CommitAsync(cancellationToken);
            stage = Telemetry.DaedalusInstruments.RecordLoadStage("commit", stage);
            _tables.Remember(layout);

            // Committed: the batch is loaded whatever happens next. Settling its run(s) is bookkeeping that the run's
            // own finish and the supervisor's sweep redo, so it no longer follows the caller's token, and a failure
            // here is logged, not thrown: a committed batch reported as failed would stop its stream uncounted.
            try
            {
                foreach (var runId in await connection.QueryAsync<Guid>(new CommandDefinition(
                    "SELECT DISTINCT run_id FROM daedalus.enqueued_batches WHERE batch_id = @id UNION SELECT @run", new { id = batch.BatchId, run = batch.RunId }, cancellationToken: CancellationToken.None)))
                {
                    await RunStore.SettleAsync(connection, runId, CancellationToken.None);
                }
            }
            catch (NpgsqlException ex)
            {
                _logger.LogWarning("Batch {BatchId} of {Source}/{Stream} committed; settling its run failed and is left to the next settle: {Error}", batch.BatchId, batch.Source, batch.Stream, ex.Message);
            }

            Telemetry.DaedalusInstruments.RecordLoadStage("settle", stage);
            Telemetry.DaedalusInstruments.RecordLoad(batch.Source, batch.Stream, loaded, quarantined.Count, duration);
            span?.SetTag("daedalus.rows_loaded", loaded);
            span?.SetTag("daedalus.rows_quarantined", quarantined.Count);
            return new LoadResult(batch.BatchId, false, total, loaded, stale, deleted, quarantined.Count, duration);
        }
        catch (PostgresException ex)
        {
            Telemetry.DaedalusInstruments.RecordFailure(batch.Source, batch.Stream);
            _tables.Forget();
            throw new BatchLoadException(
                $"{batch.Source}/{batch.Stream}: PostgreSQL refused batch {batch.BatchId}: {PostgresFailure.Describe(ex)}", ex.SqlState, PostgresFailure.IsInfrastructure(ex));
        }
        catch (OperationCanceledException) when (after.IsCanceled)
        {
            // Not a failure of this batch: the caller withdrew it (the previous one failed, or the run stops there).
            throw;
        }
        catch
        {
            Telemetry.DaedalusInstruments.RecordFailure(batch.Source, batch.Stream);
            _tables.Forget();
            throw;
        }
    }

    /// <summary>
    /// An already loaded batch (redelivery, or a re-read of identical rows): nothing to write but the bookkeeping a
    /// load would have done. The stream cursor still moves to the batch's end (else a stream whose every batch was
    /// already loaded would re-read from the same place forever), and a queued batch is settled as loaded.
    /// </summary>
    private static async Task SettleSkippedAsync(NpgsqlConnection connection, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var batch = prepared.Batch;
        if (prepared.AdvanceCursor && batch.CursorTo is not null)
        {
            await CursorStore.AdvanceAsync(connection, null, batch.Source, batch.Stream, batch.CursorTo, cancellationToken);
        }

        var settled = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "UPDATE daedalus.enqueued_batches SET state = 'loaded', error = NULL, settled_at = now() WHERE batch_id = @id AND state <> 'loaded' RETURNING run_id",
            new { id = batch.BatchId },
            cancellationToken: cancellationToken))).ToList();
        foreach (var runId in settled.Append(batch.RunId).Distinct())
        {
            await RunStore.SettleAsync(connection, runId, cancellationToken);
        }
    }

    /// <summary>Loads <paramref name="rows"/>; on a row-level refusal, splits them until the refused rows are alone and quarantined.</summary>
    private static async Task<int> LoadIsolatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, Segment rows, List<QuarantinedRow> quarantined, CancellationToken cancellationToken)
    {
        await transaction.SaveAsync(RowsSavepoint, cancellationToken);
        try
        {
            var loaded = await TryCopyNewRowsAsync(connection, transaction, prepared, rows, cancellationToken)
                ?? await StageAndMergeAsync(connection, transaction, prepared, rows, cancellationToken);
            await transaction.ReleaseAsync(RowsSavepoint, cancellationToken);
            return loaded;
        }
        catch (PostgresException ex) when (PostgresFailure.IsRowLevel(ex))
        {
            await transaction.RollbackAsync(RowsSavepoint, cancellationToken);
            await transaction.ReleaseAsync(RowsSavepoint, cancellationToken);
            return await IsolateAsync(connection, transaction, prepared, rows, quarantined, ex, cancellationToken);
        }
    }

    /// <summary>
    /// The whole batch, already in the staging table (see <see cref="PreStageAsync"/>), merged under
    /// <see cref="RowsSavepoint"/>; on a row-level refusal the staging table is dropped and the rows go through the same
    /// isolation as <see cref="LoadIsolatedAsync"/>.
    /// </summary>
    private static async Task<int> MergeStagedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, List<QuarantinedRow> quarantined, CancellationToken cancellationToken)
    {
        await transaction.SaveAsync(RowsSavepoint, cancellationToken);
        try
        {
            var merged = await MergeStagingAsync(connection, transaction, prepared, Stopwatch.GetTimestamp(), cancellationToken);
            await transaction.ReleaseAsync(RowsSavepoint, cancellationToken);
            return merged;
        }
        catch (PostgresException ex) when (PostgresFailure.IsRowLevel(ex))
        {
            await transaction.RollbackAsync(RowsSavepoint, cancellationToken);
            await transaction.ReleaseAsync(RowsSavepoint, cancellationToken);
            // Created before the savepoint, so still there: the halves stage their own.
            await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {StagingName}", transaction: transaction, cancellationToken: cancellationToken));
            return await IsolateAsync(connection, transaction, prepared, Segment.Of(prepared.Rows), quarantined, ex, cancellationToken);
        }
    }

    /// <summary>
    /// While the previous batch of the stream is still loading: when this one cannot take the direct COPY (its keys
    /// are not provably new, or it needs the staging table anyway), COPY it into the staging table now. Only reads the
    /// target, on another connection (a stale answer just means the merge path is taken later); the staging table is
    /// this session's own. A row PostgreSQL refuses here is left to the isolation after the wait: returns false, nothing
    /// staged.
    /// </summary>
    private async Task<bool> PreStageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var rows = Segment.Of(prepared.Rows);
        if (DirectCopyEligible(prepared, rows))
        {
            // On a connection of its own, outside this transaction: a lock on the target held while this batch waits
            // for the previous one would block that batch's ALTER TABLE (a new column), and PostgreSQL cannot see the
            // wait for the gate, so it would never report the deadlock. Nothing of the target is locked before the gate.
            await using var probe = await _dataSource.OpenConnectionAsync(cancellationToken);
            var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
            var exists = await probe.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT to_regclass(@target) IS NOT NULL", new { target }, cancellationToken: cancellationToken));
            if (!exists || await ProbeAllNewAsync(probe, null, prepared, rows, cancellationToken))
            {
                return false;
            }
        }

        // A savepoint of its own, released at once: the target's DDL after the gate must not sit under a savepoint
        // that a refused row later rolls back.
        await transaction.SaveAsync(PreStageSavepoint, cancellationToken);
        try
        {
            await CopyToStagingAsync(connection, transaction, prepared, rows, cancellationToken);
            await transaction.ReleaseAsync(PreStageSavepoint, cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (PostgresFailure.IsRowLevel(ex))
        {
            await transaction.RollbackAsync(PreStageSavepoint, cancellationToken);
            await transaction.ReleaseAsync(PreStageSavepoint, cancellationToken);
            return false;
        }
    }

    /// <summary>A row-level refusal of <paramref name="rows"/>: the refused row to quarantine, or both halves again.</summary>
    private static async Task<int> IsolateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, Segment rows, List<QuarantinedRow> quarantined, PostgresException ex, CancellationToken cancellationToken)
    {
        if (rows.Count == 1)
        {
            var row = rows[0];
            quarantined.Add(new QuarantinedRow(
                RowLoadCheck.RuleName,
                $"stream {prepared.Batch.Stream}: PostgreSQL refused the row: {PostgresFailure.Describe(ex)}",
                QuarantineRowJson.Write(prepared.Columns, row.Values),
                row.IsDeleted));
            return 0;
        }

        // Halves in source order, so the later version of a key still wins when the two land in different halves.
        var (first, second) = rows.Split();
        return await LoadIsolatedAsync(connection, transaction, prepared, first, quarantined, cancellationToken)
            + await LoadIsolatedAsync(connection, transaction, prepared, second, quarantined, cancellationToken);
    }

    private static async Task<int> StageAndMergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, Segment rows, CancellationToken cancellationToken)
    {
        var stage = Stopwatch.GetTimestamp();
        await CopyToStagingAsync(connection, transaction, prepared, rows, cancellationToken);
        stage = Telemetry.DaedalusInstruments.RecordLoadStage("stage", stage);
        return await MergeStagingAsync(connection, transaction, prepared, stage, cancellationToken);
    }

    /// <summary>The staging table merged into the target under the table's merge lock, metric points around it; drops the staging table.</summary>
    private static async Task<int> MergeStagingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, long stage, CancellationToken cancellationToken)
    {

        // One merge at a time per target table: the metric snapshots below must see the table as the merge will find
        // it, and merges of overlapping keys in different orders would otherwise deadlock. COPY above stays concurrent.
        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext(@name))", new { name = "daedalus.merge." + target }, transaction, cancellationToken: cancellationToken));
        if (prepared.Metrics.Count > 0)
        {
            await MetricRecorder.SnapshotBeforeAsync(connection, transaction, prepared, StagingName, cancellationToken);
        }

        // Keys equal to PostgreSQL but not to .NET (1.0 and 1.00, one instant at two offsets) escape the in-memory
        // duplicate check; the merge then refuses to touch a row twice (21000) and is redone with the dedupe.
        var dedupe = prepared.HasDuplicateKeys;
        int merged;
        await transaction.SaveAsync("daedalus_merge", cancellationToken);
        try
        {
            merged = await MergeAsync(connection, transaction, prepared, StagingSource(prepared, dedupe), cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CardinalityViolation && !dedupe)
        {
            await transaction.RollbackAsync("daedalus_merge", cancellationToken);
            merged = await MergeAsync(connection, transaction, prepared, StagingSource(prepared, dedupe: true), cancellationToken);
        }

        await transaction.ReleaseAsync("daedalus_merge", cancellationToken);
        if (prepared.Metrics.Count > 0)
        {
            await MetricRecorder.RecordBatchAsync(connection, transaction, prepared, StagingName, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {StagingName}", transaction: transaction, cancellationToken: cancellationToken));
        Telemetry.DaedalusInstruments.RecordLoadStage("merge", stage);
        return merged;
    }

    /// <summary>
    /// Fast path for batches whose keys are all new (initial loads, appends): binary COPY straight into the
    /// target, which is what raw COPY costs, instead of staging + merge. The merge could only have inserted
    /// these rows, so the result is the same. Taken only when that is cheap to prove (a single integer key
    /// whose range holds no stored row, or a text key none of whose values is stored) and no metric rule
    /// needs the staging table. A concurrent insert of one of the keys makes the COPY fail; it is rolled back
    /// to a savepoint and the batch takes the merge path. Returns null when the fast path was not taken.
    /// </summary>
    private static async Task<int?> TryCopyNewRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, Segment rows, CancellationToken cancellationToken)
    {
        if (!DirectCopyEligible(prepared, rows))
        {
            return null;
        }

        var stage = Stopwatch.GetTimestamp();
        var allNew = await ProbeAllNewAsync(connection, transaction, prepared, rows, cancellationToken);
        stage = Telemetry.DaedalusInstruments.RecordLoadStage("probe", stage);
        if (!allNew)
        {
            return null;
        }

        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        var cursorIndex = prepared.CursorColumn is null ? -1 : IndexOf(prepared, prepared.CursorColumn);
        await transaction.SaveAsync("daedalus_direct_copy", cancellationToken);
        try
        {
            var names = prepared.Columns.Select(c => SqlIdentifier.Quote(c.Name))
                .Append(TargetTableManager.BatchColumn).Append(TargetTableManager.DeletedAtColumn);
            if (cursorIndex >= 0)
            {
                names = names.Append(TargetTableManager.DeletedCursorColumn);
            }

            var types = prepared.Columns.Select(c => PostgresTypes.DbType(c.Type)).ToArray();
            var deletedAt = DateTime.UtcNow;
            await using (var importer = await connection.BeginBinaryImportAsync($"COPY {target} ({string.Join(", ", names)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                for (var r = 0; r < rows.Count; r++)
                {
                    var row = rows[r];
                    await importer.StartRowAsync(cancellationToken);
                    for (var i = 0; i < types.Length; i++)
                    {
                        await WriteValueAsync(importer, row.Values[i], types[i], cancellationToken);
                    }

                    await importer.WriteAsync(prepared.Batch.BatchId, NpgsqlDbType.Text, cancellationToken);
                    await WriteValueAsync(importer, row.IsDeleted ? deletedAt : null, NpgsqlDbType.TimestampTz, cancellationToken);
                    if (cursorIndex >= 0)
                    {
                        await WriteValueAsync(importer, row.IsDeleted ? row.Values[cursorIndex] : null, types[cursorIndex], cancellationToken);
                    }
                }

                await importer.CompleteAsync(cancellationToken);
            }

            await transaction.ReleaseAsync("daedalus_direct_copy", cancellationToken);
            Telemetry.DaedalusInstruments.RecordLoadStage("copy", stage);
            return rows.Count;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync("daedalus_direct_copy", cancellationToken);
            return null;
        }
    }

    /// <summary>
    /// The staging rows as a merge source, aliased <c>s</c>. Within a batch the newest version of a key wins: the
    /// highest cursor value, and among equal cursor values the last in source order (only sorted when the batch
    /// really has repeated keys).
    /// </summary>
    internal static string StagingSource(PreparedBatch prepared, bool dedupe)
    {
        if (!dedupe)
        {
            return StagingName;
        }

        var keys = string.Join(", ", prepared.PrimaryKey.Select(SqlIdentifier.Quote));
        var order = prepared.CursorColumn is null ? "" : $", {SqlIdentifier.Quote(prepared.CursorColumn)} DESC NULLS LAST";
        return $"(SELECT DISTINCT ON ({keys}) * FROM {StagingName} ORDER BY {keys}{order}, _daedalus_stage_ord DESC)";
    }

    private static async Task CopyToStagingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, Segment rows, CancellationToken cancellationToken)
    {
        // Decimals beyond System.Decimal travel as text and are cast once in the staging table (rare; exact).
        var bigNumeric = prepared.Columns.Select((c, i) => c.Type == ColumnType.Decimal && ColumnHasNumericText(rows, i)).ToArray();
        var columns = string.Join(", ", prepared.Columns.Select((c, i) => $"{SqlIdentifier.Quote(c.Name)} {(bigNumeric[i] ? "text" : PostgresTypes.SqlType(c.Type))}"));
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TEMP TABLE {StagingName} ({columns}, _daedalus_stage_deleted boolean NOT NULL, _daedalus_stage_ord integer NOT NULL) ON COMMIT DROP",
            transaction: transaction,
            cancellationToken: cancellationToken));
        var types = prepared.Columns.Select((c, i) => bigNumeric[i] ? NpgsqlDbType.Text : PostgresTypes.DbType(c.Type)).ToArray();
        var copy = $"COPY {StagingName} ({string.Join(", ", prepared.Columns.Select(c => SqlIdentifier.Quote(c.Name)))}, _daedalus_stage_deleted, _daedalus_stage_ord) FROM STDIN (FORMAT BINARY)";
        await using (var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken))
        {
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                await importer.StartRowAsync(cancellationToken);
                var values = row.Values;
                for (var i = 0; i < types.Length; i++)
                {
                    var value = bigNumeric[i] && values[i] is IFormattable number ? number.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : values[i];
                    await WriteValueAsync(importer, value, types[i], cancellationToken);
                }

                await importer.WriteAsync(row.IsDeleted, NpgsqlDbType.Boolean, cancellationToken);
                await importer.WriteAsync(r, NpgsqlDbType.Integer, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        var casts = prepared.Columns.Where((_, i) => bigNumeric[i]).Select(c => $"ALTER COLUMN {SqlIdentifier.Quote(c.Name)} TYPE numeric USING {SqlIdentifier.Quote(c.Name)}::numeric").ToList();
        if (casts.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition($"ALTER TABLE {StagingName} {string.Join(", ", casts)}", transaction: transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Typed writes: the generic path caches its converter per type, the object path resolves one per value.</summary>
    private static Task WriteValueAsync(NpgsqlBinaryImporter importer, object? value, NpgsqlDbType type, CancellationToken cancellationToken) => value switch
    {
        null => importer.WriteNullAsync(cancellationToken),
        string text => importer.WriteAsync(text, type, cancellationToken),
        long number => importer.WriteAsync(number, type, cancellationToken),
        decimal number => importer.WriteAsync(number, type, cancellationToken),
        double number => importer.WriteAsync(number, type, cancellationToken),
        bool flag => importer.WriteAsync(flag, type, cancellationToken),
        DateOnly date => importer.WriteAsync(date, type, cancellationToken),
        TimeOnly time => importer.WriteAsync(time, type, cancellationToken),
        DateTimeOffset instant => importer.WriteAsync(instant.ToUniversalTime(), type, cancellationToken),
        DateTime instant => importer.WriteAsync(DateTime.SpecifyKind(instant, DateTimeKind.Utc), type, cancellationToken),
        NumericText text => importer.WriteAsync(text.Value, NpgsqlDbType.Text, cancellationToken),
        _ => importer.WriteAsync(value, type, cancellationToken),
    };

    /// <summary>
    /// Upsert by key. The cursor column holds the cursor of the row's values; a delete keeps those values and only
    /// stamps the soft-delete columns (its own cursor in <see cref="TargetTableManager.DeletedCursorColumn"/>).
    /// Rules, with e the incoming version and t the stored row:
    /// values change when e is an update whose cursor is &gt;= t's (no stale overwrite, also on a deleted row: a
    /// late update fills its values without un-deleting it); a delete applies when its cursor is &gt;= t's and
    /// &gt;= the delete already recorded; an update un-deletes when its cursor is not older than the delete (on equal
    /// cursor values the later one processed wins, which is the later one in source order, also when a batch is split).
    /// </summary>
    private static async Task<int> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, string source, CancellationToken cancellationToken)
    {
        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        var names = prepared.Columns.Select(c => SqlIdentifier.Quote(c.Name)).ToList();
        var keys = prepared.PrimaryKey.Select(SqlIdentifier.Quote).ToList();
        var cursor = prepared.CursorColumn is null ? null : SqlIdentifier.Quote(prepared.CursorColumn);
        var nonKeys = prepared.Columns.Select(c => c.Name).Where(n => !prepared.PrimaryKey.Contains(n)).Select(SqlIdentifier.Quote).Where(n => n != cursor).ToList();
        const string deletedAt = TargetTableManager.DeletedAtColumn;
        const string deletedCursor = TargetTableManager.DeletedCursorColumn;
        const string isUpdate = $"EXCLUDED.{deletedAt} IS NULL";

        var sets = nonKeys.Select(c => $"{c} = CASE WHEN {isUpdate} THEN EXCLUDED.{c} ELSE t.{c} END").ToList();
        string insertColumns, insertValues, where;
        if (cursor is null)
        {
            sets.Add($"{deletedAt} = CASE WHEN {isUpdate} THEN NULL ELSE coalesce(t.{deletedAt}, EXCLUDED.{deletedAt}) END");
            insertColumns = "";
            insertValues = "";
            where = "";
        }
        else
        {
            // The delete recorded on t; rows deleted before this column existed carry it in the cursor column.
            var recorded = $"coalesce(t.{deletedCursor}, CASE WHEN t.{deletedAt} IS NOT NULL THEN t.{cursor} END)";
            var undeletes = $"({recorded} IS NULL OR EXCLUDED.{cursor} >= {recorded})";
            if (!prepared.PrimaryKey.Contains(prepared.CursorColumn!))
            {
                sets.Add($"{cursor} = CASE WHEN {isUpdate} THEN EXCLUDED.{cursor} ELSE t.{cursor} END");
            }

            sets.Add($"{deletedAt} = CASE WHEN {isUpdate} THEN CASE WHEN {undeletes} THEN NULL ELSE t.{deletedAt} END ELSE coalesce(t.{deletedAt}, EXCLUDED.{deletedAt}) END");
            sets.Add($"{deletedCursor} = CASE WHEN {isUpdate} THEN CASE WHEN {undeletes} THEN NULL ELSE {recorded} END ELSE EXCLUDED.{cursor} END");
            insertColumns = $", {deletedCursor}";
            insertValues = $", CASE WHEN s._daedalus_stage_deleted THEN s.{cursor} END";
            where = $"WHERE (t.{cursor} IS NULL OR EXCLUDED.{cursor} >= t.{cursor}) AND ({isUpdate} OR {recorded} IS NULL OR EXCLUDED.{cursor} >= {recorded})";
        }

        sets.Add($"{TargetTableManager.BatchColumn} = EXCLUDED.{TargetTableManager.BatchColumn}");
        sets.Add($"{TargetTableManager.LoadedAtColumn} = EXCLUDED.{TargetTableManager.LoadedAtColumn}");
        var sql = $"""
            INSERT INTO {target} AS t ({string.Join(", ", names)}, {TargetTableManager.BatchColumn}, {TargetTableManager.LoadedAtColumn}, {deletedAt}{insertColumns})
            SELECT {string.Join(", ", names.Select(n => "s." + n))}, @batch, now(), CASE WHEN s._daedalus_stage_deleted THEN now() END{insertValues} FROM {source} s
            ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET {string.Join(", ", sets)}
            {where}
            """;
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { batch = prepared.Batch.BatchId }, transaction, cancellationToken: cancellationToken));
    }

    private static async Task QuarantineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, IReadOnlyList<QuarantinedRow> quarantined, CancellationToken cancellationToken)
    {
        var batch = prepared.Batch;
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY daedalus.quarantine (batch_id, run_id, source, stream, rule, reason, row) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in quarantined)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(batch.BatchId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(batch.RunId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(batch.Source, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(batch.Stream, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.Rule, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.Reason, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.RowJson, NpgsqlDbType.Jsonb, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the direct COPY can be proven safe cheaply: a single integer or text key, no repeated keys, no metric
    /// rule needing the staging table, no decimal beyond <see cref="decimal"/>.
    /// </summary>
    private static bool DirectCopyEligible(PreparedBatch prepared, Segment rows) =>
        !prepared.HasDuplicateKeys && prepared.Metrics.Count == 0 && prepared.PrimaryKey.Count == 1
        && prepared.Columns[IndexOf(prepared, prepared.PrimaryKey[0])].Type is ColumnType.Integer or ColumnType.Text
        && !HasNumericText(prepared, rows);

    /// <summary>
    /// One index probe of the target: true when none of the batch's keys is stored (an integer key: no stored key
    /// between the smallest and the largest; a text key: none of the values), false when some may be. Only for
    /// batches that are <see cref="DirectCopyEligible"/>.
    /// </summary>
    private static async Task<bool> ProbeAllNewAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, PreparedBatch prepared, Segment rows, CancellationToken cancellationToken)
    {
        var keyIndex = IndexOf(prepared, prepared.PrimaryKey[0]);
        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        var key = SqlIdentifier.Quote(prepared.PrimaryKey[0]);
        if (prepared.Columns[keyIndex].Type == ColumnType.Integer)
        {
            long min = long.MaxValue, max = long.MinValue;
            for (var i = 0; i < rows.Count; i++)
            {
                var value = (long)rows[i].Values[keyIndex]!;
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"SELECT NOT EXISTS (SELECT 1 FROM {target} WHERE {key} BETWEEN @min AND @max)", new { min, max }, transaction, cancellationToken: cancellationToken));
        }

        var keys = new string[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            keys[i] = (string)rows[i].Values[keyIndex]!;
        }

        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT NOT EXISTS (SELECT 1 FROM {target} WHERE {key} = ANY(@keys))", new { keys }, transaction, cancellationToken: cancellationToken));
    }

    private static int IndexOf(PreparedBatch prepared, string column)
    {
        for (var i = 0; i < prepared.Columns.Count; i++)
        {
            if (prepared.Columns[i].Name == column)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"column '{column}' is not in the batch");
    }

    private static bool HasNumericText(PreparedBatch prepared, Segment rows)
    {
        for (var i = 0; i < prepared.Columns.Count; i++)
        {
            if (prepared.Columns[i].Type == ColumnType.Decimal && ColumnHasNumericText(rows, i))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ColumnHasNumericText(Segment rows, int column)
    {
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Values[column] is NumericText)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A contiguous slice of the batch's rows, split in halves when a load must isolate a refused row.</summary>
    private readonly record struct Segment(IReadOnlyList<SourceRecord> Rows, int Start, int Count)
    {
        public static Segment Of(IReadOnlyList<SourceRecord> rows) => new(rows, 0, rows.Count);

        public SourceRecord this[int index] => Rows[Start + index];

        public (Segment First, Segment Second) Split()
        {
            var half = Count / 2;
            return (new Segment(Rows, Start, half), new Segment(Rows, Start + half, Count - half));
        }
    }
}
