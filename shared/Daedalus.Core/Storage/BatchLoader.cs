using System.Diagnostics;
using Daedalus.Ingest;
using Daedalus.Metrics;
using Daedalus.Sources;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Daedalus.Storage;

/// <summary>
/// Loads a prepared batch in ONE transaction: ledger row (the idempotency guard), binary COPY into a
/// staging table, merge into the target by primary key (never overwriting a newer cursor value),
/// quarantine rows, metric points, run counters and, for in-process syncs, the stream cursor.
/// </summary>
public sealed class BatchLoader
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TargetTableManager _tables;

    public BatchLoader(NpgsqlDataSource dataSource, TargetTableManager tables)
    {
        _dataSource = dataSource;
        _tables = tables;
    }

    public async Task<LoadResult> LoadAsync(PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var batch = prepared.Batch;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // The ledger insert comes first: a concurrent or redelivered copy of this batch blocks here, then finds it done.
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO daedalus.batches (batch_id, run_id, source, stream, sequence, rows, cursor_from, cursor_to)
                VALUES (@BatchId, @RunId, @Source, @Stream, @Sequence, @Rows, @CursorFrom, @CursorTo)
                ON CONFLICT (batch_id) DO NOTHING
                """,
                new { batch.BatchId, batch.RunId, batch.Source, batch.Stream, batch.Sequence, Rows = prepared.Rows.Count + prepared.Quarantined.Count, batch.CursorFrom, batch.CursorTo },
                transaction,
                cancellationToken: cancellationToken));
            if (inserted == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return LoadResult.Skipped(batch.BatchId, prepared.Rows.Count + prepared.Quarantined.Count);
            }

            var loaded = 0;
            if (prepared.Rows.Count > 0)
            {
                await _tables.EnsureAsync(connection, transaction, prepared.Target.Schema, prepared.Target.Table, prepared.Columns, prepared.PrimaryKey, cancellationToken);
                loaded = await TryCopyNewRowsAsync(connection, transaction, prepared, cancellationToken)
                    ?? await StageAndMergeAsync(connection, transaction, prepared, cancellationToken);
            }

            if (prepared.Quarantined.Count > 0)
            {
                await QuarantineAsync(connection, transaction, prepared, cancellationToken);
            }

            var deleted = prepared.DeletedCount;
            var stale = prepared.Rows.Count - loaded;
            var duration = Stopwatch.GetElapsedTime(started);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE daedalus.batches SET loaded = @loaded, quarantined = @quarantined, deleted = @deleted, stale = @stale, duration_ms = @ms WHERE batch_id = @id;
                UPDATE daedalus.runs SET rows_loaded = rows_loaded + @loaded, rows_quarantined = rows_quarantined + @quarantined,
                    rows_deleted = rows_deleted + @deleted WHERE id = @run;
                """,
                new { id = batch.BatchId, run = batch.RunId, loaded, quarantined = prepared.Quarantined.Count, deleted, stale, ms = (int)duration.TotalMilliseconds },
                transaction,
                cancellationToken: cancellationToken));
            if (prepared.AdvanceCursor && batch.CursorTo is not null)
            {
                await CursorStore.AdvanceAsync(connection, transaction, batch.Source, batch.Stream, batch.CursorTo, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            Telemetry.DaedalusInstruments.RecordLoad(batch.Source, batch.Stream, loaded, prepared.Quarantined.Count, duration);
            return new LoadResult(batch.BatchId, false, prepared.Rows.Count + prepared.Quarantined.Count, loaded, stale, deleted, prepared.Quarantined.Count, duration);
        }
        catch
        {
            Telemetry.DaedalusInstruments.RecordFailure(batch.Source, batch.Stream);
            _tables.Forget();
            throw;
        }
    }

    private static async Task<int> StageAndMergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        await CopyToStagingAsync(connection, transaction, prepared, cancellationToken);
        if (prepared.Metrics.Count > 0)
        {
            await MetricRecorder.RecordBatchAsync(connection, transaction, prepared, cancellationToken);
        }

        return await MergeAsync(connection, transaction, prepared, cancellationToken);
    }

    /// <summary>
    /// Fast path for batches whose keys are all new (initial loads, appends): binary COPY straight into the
    /// target, which is what raw COPY costs, instead of staging + merge. The merge could only have inserted
    /// these rows, so the result is the same. Taken only when that is cheap to prove (a single integer key
    /// whose range holds no stored row, or a text key none of whose values is stored) and no metric rule
    /// needs the staging table. A concurrent insert of one of the keys makes the COPY fail; it is rolled back
    /// to a savepoint and the batch takes the merge path. Returns null when the fast path was not taken.
    /// </summary>
    private static async Task<int?> TryCopyNewRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        if (prepared.HasDuplicateKeys || prepared.Metrics.Count > 0 || prepared.PrimaryKey.Count != 1)
        {
            return null;
        }

        var keyIndex = prepared.Columns.ToList().FindIndex(c => c.Name == prepared.PrimaryKey[0]);
        var keyType = prepared.Columns[keyIndex].Type;
        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        var key = SqlIdentifier.Quote(prepared.PrimaryKey[0]);
        bool allNew;
        if (keyType == ColumnType.Integer)
        {
            long min = long.MaxValue, max = long.MinValue;
            foreach (var row in prepared.Rows)
            {
                var value = (long)row.Values[keyIndex]!;
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            // One index probe: no stored key between the batch's smallest and largest.
            allNew = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"SELECT NOT EXISTS (SELECT 1 FROM {target} WHERE {key} BETWEEN @min AND @max)", new { min, max }, transaction, cancellationToken: cancellationToken));
        }
        else if (keyType == ColumnType.Text)
        {
            var keys = prepared.Rows.Select(r => (string)r.Values[keyIndex]!).ToArray();
            allNew = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"SELECT NOT EXISTS (SELECT 1 FROM {target} WHERE {key} = ANY(@keys))", new { keys }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            return null;
        }

        if (!allNew)
        {
            return null;
        }

        await transaction.SaveAsync("daedalus_direct_copy", cancellationToken);
        try
        {
            var names = prepared.Columns.Select(c => SqlIdentifier.Quote(c.Name))
                .Append(TargetTableManager.BatchColumn).Append(TargetTableManager.DeletedAtColumn);
            var types = prepared.Columns.Select(c => PostgresTypes.DbType(c.Type)).ToArray();
            var deletedAt = DateTime.UtcNow;
            await using (var importer = await connection.BeginBinaryImportAsync($"COPY {target} ({string.Join(", ", names)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var row in prepared.Rows)
                {
                    await importer.StartRowAsync(cancellationToken);
                    for (var i = 0; i < types.Length; i++)
                    {
                        await WriteValueAsync(importer, row.Values[i], types[i], cancellationToken);
                    }

                    await importer.WriteAsync(prepared.Batch.BatchId, NpgsqlDbType.Text, cancellationToken);
                    await WriteValueAsync(importer, row.IsDeleted ? deletedAt : null, NpgsqlDbType.TimestampTz, cancellationToken);
                }

                await importer.CompleteAsync(cancellationToken);
            }

            await transaction.ReleaseAsync("daedalus_direct_copy", cancellationToken);
            return prepared.Rows.Count;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync("daedalus_direct_copy", cancellationToken);
            return null;
        }
    }

    private const string StagingName = "daedalus_staging";

    /// <summary>
    /// The staging rows as a merge source, aliased <c>s</c>. Within a batch the newest version of a key
    /// wins (only sorted when the batch really has repeated keys).
    /// </summary>
    internal static string StagingSource(PreparedBatch prepared)
    {
        if (!prepared.HasDuplicateKeys)
        {
            return $"{StagingName} s";
        }

        var keys = string.Join(", ", prepared.PrimaryKey.Select(SqlIdentifier.Quote));
        var order = prepared.CursorColumn is null ? "" : $", {SqlIdentifier.Quote(prepared.CursorColumn)} DESC NULLS LAST";
        return $"(SELECT DISTINCT ON ({keys}) * FROM {StagingName} ORDER BY {keys}{order}) s";
    }

    private static async Task CopyToStagingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", prepared.Columns.Select(c => $"{SqlIdentifier.Quote(c.Name)} {PostgresTypes.SqlType(c.Type)}"));
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TEMP TABLE {StagingName} ({columns}, _deleted boolean NOT NULL) ON COMMIT DROP",
            transaction: transaction,
            cancellationToken: cancellationToken));
        var types = prepared.Columns.Select(c => PostgresTypes.DbType(c.Type)).ToArray();
        var copy = $"COPY {StagingName} ({string.Join(", ", prepared.Columns.Select(c => SqlIdentifier.Quote(c.Name)))}, _deleted) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        foreach (var row in prepared.Rows)
        {
            await importer.StartRowAsync(cancellationToken);
            var values = row.Values;
            for (var i = 0; i < types.Length; i++)
            {
                await WriteValueAsync(importer, values[i], types[i], cancellationToken);
            }

            await importer.WriteAsync(row.IsDeleted, NpgsqlDbType.Boolean, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
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
        _ => importer.WriteAsync(value, type, cancellationToken),
    };

    private static async Task<int> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        var names = prepared.Columns.Select(c => SqlIdentifier.Quote(c.Name)).ToList();
        var keys = prepared.PrimaryKey.Select(SqlIdentifier.Quote).ToList();
        var nonKeys = prepared.Columns.Select(c => c.Name).Where(n => !prepared.PrimaryKey.Contains(n)).Select(SqlIdentifier.Quote).ToList();
        var cursor = prepared.CursorColumn is null ? null : SqlIdentifier.Quote(prepared.CursorColumn);

        // A delete keeps the row's last values and only stamps the soft-delete column (and the cursor).
        var sets = nonKeys.Select(c => c == cursor
                ? $"{c} = EXCLUDED.{c}"
                : $"{c} = CASE WHEN EXCLUDED.{TargetTableManager.DeletedAtColumn} IS NULL THEN EXCLUDED.{c} ELSE t.{c} END")
            .Append($"{TargetTableManager.BatchColumn} = EXCLUDED.{TargetTableManager.BatchColumn}")
            .Append($"{TargetTableManager.LoadedAtColumn} = EXCLUDED.{TargetTableManager.LoadedAtColumn}")
            .Append($"{TargetTableManager.DeletedAtColumn} = EXCLUDED.{TargetTableManager.DeletedAtColumn}");
        var source = StagingSource(prepared);
        var sql = $"""
            INSERT INTO {target} AS t ({string.Join(", ", names)}, {TargetTableManager.BatchColumn}, {TargetTableManager.LoadedAtColumn}, {TargetTableManager.DeletedAtColumn})
            SELECT {string.Join(", ", names.Select(n => "s." + n))}, @batch, now(), CASE WHEN s._deleted THEN now() END FROM {source}
            ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET {string.Join(", ", sets)}
            {(cursor is null ? "" : $"WHERE t.{cursor} IS NULL OR EXCLUDED.{cursor} >= t.{cursor}")}
            """;
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { batch = prepared.Batch.BatchId }, transaction, cancellationToken: cancellationToken));
    }

    private static async Task QuarantineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var batch = prepared.Batch;
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY daedalus.quarantine (batch_id, run_id, source, stream, rule, reason, row) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in prepared.Quarantined)
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
}
