using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Metrics;

/// <summary>
/// The metric layer (Dapper): turns records into time-bucketed points. Points keep sum, count, min and max (numeric,
/// so money sums stay exact), and a batch contributes its net change: the batch's keys are read from the target just
/// before the merge and again just after it (same transaction, under the table's merge lock), and the points get
/// (after - before). Whatever the merge rules decided (stale versions, deletes, late updates), the points follow the
/// table exactly; a redelivered batch never reaches here (the ledger skips it).
/// </summary>
public static class MetricRecorder
{
    private const string Before = "daedalus_metric_before";
    private const string After = "daedalus_metric_after";
    private const string Deltas = "daedalus_metric_deltas";

    /// <summary>
    /// Two statements: series first, then points joined to them. Each statement of a command takes its own snapshot,
    /// so a series a concurrent transaction just created is seen by the second (one statement with a CTE would miss
    /// it and silently drop those points). Points are written in (series, time) order, so concurrent writers of the
    /// same points lock them in the same order and cannot deadlock.
    /// </summary>
    private static string SeriesThenPoints(string name) => $"""
        INSERT INTO daedalus.metric_series (name, labels) SELECT DISTINCT {name}, labels FROM {Deltas} ORDER BY 2 ON CONFLICT (name, labels) DO NOTHING;
        INSERT INTO daedalus.metric_points AS p (series_id, ts, sum, count, min, max)
        SELECT series.id, d.ts, d.s, d.n, d.mn, d.mx FROM {Deltas} d JOIN daedalus.metric_series series ON series.name = {name} AND series.labels = d.labels
        ORDER BY series.id, d.ts
        ON CONFLICT (series_id, ts) DO UPDATE SET sum = p.sum + EXCLUDED.sum, count = p.count + EXCLUDED.count,
            min = LEAST(p.min, EXCLUDED.min), max = GREATEST(p.max, EXCLUDED.max);
        """;

    /// <summary>Snapshot of the stored rows for the staged keys, before the merge. Call under the table's merge lock.</summary>
    public static Task SnapshotBeforeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, string staging, CancellationToken cancellationToken) =>
        SnapshotAsync(connection, transaction, prepared, staging, Before, cancellationToken);

    /// <summary>Reads the batch's keys again after the merge and adds (after - before) to every rule's points; drops the snapshots.</summary>
    public static async Task RecordBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, string staging, CancellationToken cancellationToken)
    {
        await SnapshotAsync(connection, transaction, prepared, staging, After, cancellationToken);
        foreach (var rule in prepared.Metrics)
        {
            var sql = BuildBatchSql(rule, prepared);
            if (!SourceDefinitionValidator.TryParseBucket(rule.Bucket, out var bucket))
            {
                throw new ConfigException([new ConfigError($"metrics.{rule.Name}.bucket", $"'{rule.Bucket}' is not a bucket width")]);
            }

            await connection.ExecuteAsync(new CommandDefinition(sql, new { name = rule.Name, bucket }, transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {Before}; DROP TABLE {After}", transaction: transaction, cancellationToken: cancellationToken));
    }

    private static Task SnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, string staging, string name, CancellationToken cancellationToken)
    {
        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        var keys = string.Join(", ", prepared.PrimaryKey.Select(SqlIdentifier.Quote));
        return connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT t.* FROM {target} t WHERE ({string.Join(", ", prepared.PrimaryKey.Select(k => "t." + SqlIdentifier.Quote(k)))}) IN (SELECT {keys} FROM {staging} k)",
            transaction: transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>Pipeline metrics for one finished stream of a run: rows read, loaded, quarantined and duration.</summary>
    public static async Task RecordPipelineAsync(NpgsqlConnection connection, string source, string stream, DateTimeOffset at, IReadOnlyDictionary<string, double> values, CancellationToken cancellationToken)
    {
        var minute = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
        var labels = System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, string>(StringComparer.Ordinal) { ["source"] = source, ["stream"] = stream });
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.metric_series (name, labels) SELECT n, @labels::jsonb FROM unnest(@names::text[]) AS n ORDER BY 1 ON CONFLICT (name, labels) DO NOTHING;
            INSERT INTO daedalus.metric_points AS p (series_id, ts, sum, count, min, max)
            SELECT series.id, @minute, v.value::numeric, 1, v.value::numeric, v.value::numeric
            FROM unnest(@names::text[], @values::double precision[]) AS v(name, value)
            JOIN daedalus.metric_series series ON series.name = v.name AND series.labels = @labels::jsonb
            ORDER BY series.id
            ON CONFLICT (series_id, ts) DO UPDATE SET sum = p.sum + EXCLUDED.sum, count = p.count + 1,
                min = LEAST(p.min, EXCLUDED.min), max = GREATEST(p.max, EXCLUDED.max);
            """,
            new { names = values.Keys.ToArray(), values = values.Values.ToArray(), labels, minute = minute.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    /// <summary>A gauge reading (e.g. queue depth) into its per-minute point; sum/count give the minute's average.</summary>
    public static Task RecordGaugeAsync(NpgsqlConnection connection, string name, IReadOnlyDictionary<string, string> labels, DateTimeOffset at, double value, CancellationToken cancellationToken)
    {
        var minute = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
        var json = System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal));
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.metric_series (name, labels) VALUES (@name, @labels::jsonb) ON CONFLICT (name, labels) DO NOTHING;
            INSERT INTO daedalus.metric_points AS p (series_id, ts, sum, count, min, max)
            SELECT id, @minute, @value::numeric, 1, @value::numeric, @value::numeric FROM daedalus.metric_series WHERE name = @name AND labels = @labels::jsonb
            ON CONFLICT (series_id, ts) DO UPDATE SET sum = p.sum + EXCLUDED.sum, count = p.count + 1,
                min = LEAST(p.min, EXCLUDED.min), max = GREATEST(p.max, EXCLUDED.max);
            """,
            new { name, labels = json, minute = minute.UtcDateTime, value },
            cancellationToken: cancellationToken));
    }

    private static string BuildBatchSql(MetricRuleDefinition rule, PreparedBatch prepared)
    {
        ColumnSchema Column(string name, string role)
        {
            var target = name;
            var column = prepared.Columns.FirstOrDefault(c => string.Equals(c.Name, target, StringComparison.OrdinalIgnoreCase));
            return column ?? throw new ConfigException([new ConfigError($"metrics.{rule.Name}.{role}", $"column '{name}' is not a column of stream {prepared.Batch.Stream} (after renames)")]);
        }

        var time = Column(rule.Time, "time");
        if (time.Type is not (ColumnType.Date or ColumnType.Timestamp))
        {
            throw new ConfigException([new ConfigError($"metrics.{rule.Name}.time", $"column '{time.Name}' is {time.Type}, not a date or timestamp")]);
        }

        string valueExpression = "1::numeric";
        if (rule.Value is { Length: > 0 } valueName && rule.AggregateKind != SeriesAggregate.Count)
        {
            var value = Column(valueName, "value");
            if (value.Type is not (ColumnType.Integer or ColumnType.Decimal or ColumnType.Double))
            {
                throw new ConfigException([new ConfigError($"metrics.{rule.Name}.value", $"column '{value.Name}' is {value.Type}, not numeric (protected columns are text)")]);
            }

            valueExpression = $"{{0}}.{SqlIdentifier.Quote(value.Name)}::numeric";
        }

        var labels = rule.Labels.Select(l => Column(l, "labels")).ToList();
        string LabelsOf(string alias) => labels.Count == 0
            ? "'{}'::jsonb"
            : $"jsonb_build_object({string.Join(", ", labels.Select(l => $"'{l.Name}', {alias}.{SqlIdentifier.Quote(l.Name)}::text"))})";
        string TimeOf(string alias) => time.Type == ColumnType.Date
            ? $"({alias}.{SqlIdentifier.Quote(time.Name)}::timestamp AT TIME ZONE 'UTC')"
            : $"{alias}.{SqlIdentifier.Quote(time.Name)}";

        return $"""
            CREATE TEMP TABLE {Deltas} ON COMMIT DROP AS
            WITH c AS (
                SELECT {TimeOf("a")} AS at, {string.Format(System.Globalization.CultureInfo.InvariantCulture, valueExpression, "a")} AS v, {LabelsOf("a")} AS labels, 1 AS sign
                FROM {After} a WHERE a.{TargetTableManager.DeletedAtColumn} IS NULL
                UNION ALL
                SELECT {TimeOf("b")}, {string.Format(System.Globalization.CultureInfo.InvariantCulture, valueExpression, "b")}, {LabelsOf("b")}, -1
                FROM {Before} b WHERE b.{TargetTableManager.DeletedAtColumn} IS NULL
            ),
            g AS (
                SELECT date_bin(@bucket, at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS ts, labels,
                       sum(sign * v) AS s, sum(sign) AS n, min(v) FILTER (WHERE sign > 0) AS mn, max(v) FILTER (WHERE sign > 0) AS mx
                FROM c WHERE at IS NOT NULL AND v IS NOT NULL AND v NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric) GROUP BY 1, 2
            )
            SELECT * FROM g WHERE s <> 0 OR n <> 0 OR mn IS NOT NULL;
            {SeriesThenPoints("@name")}
            DROP TABLE {Deltas};
            """;
    }
}
