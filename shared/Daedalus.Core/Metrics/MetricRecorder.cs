using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Metrics;

/// <summary>
/// The metric layer (Dapper): turns records into time-bucketed points. Points keep sum, count, min and max,
/// and a batch contributes net changes: each row it replaces is subtracted and each row it writes is added,
/// so updates and deletes keep sums, counts and averages exact. Runs inside the load transaction.
/// </summary>
public static class MetricRecorder
{
    private const string Matched = "daedalus_matched";

    public static async Task RecordBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch prepared, CancellationToken cancellationToken)
    {
        // One join finds the stored versions of this batch's keys (none on a first load), whatever the number of rules.
        var target = SqlIdentifier.Qualified(prepared.Target.Schema, prepared.Target.Table);
        var join = string.Join(" AND ", prepared.PrimaryKey.Select(k => $"t.{SqlIdentifier.Quote(k)} = s.{SqlIdentifier.Quote(k)}"));
        var cursor = prepared.CursorColumn is null ? null : SqlIdentifier.Quote(prepared.CursorColumn);
        var applies = cursor is null ? "TRUE" : $"(t.{cursor} IS NULL OR s.{cursor} >= t.{cursor})";
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TEMP TABLE {Matched} ON COMMIT DROP AS SELECT t.*, {applies} AS _applies FROM {BatchLoader.StagingSource(prepared)} JOIN {target} t ON {join}",
            transaction: transaction,
            cancellationToken: cancellationToken));

        foreach (var rule in prepared.Metrics)
        {
            var sql = BuildBatchSql(rule, prepared);
            if (!SourceDefinitionValidator.TryParseBucket(rule.Bucket, out var bucket))
            {
                throw new ConfigException([new ConfigError($"metrics.{rule.Name}.bucket", $"'{rule.Bucket}' is not a bucket width")]);
            }

            await connection.ExecuteAsync(new CommandDefinition(sql, new { name = rule.Name, bucket }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Pipeline metrics for one finished stream of a run: rows read, loaded, quarantined and duration.</summary>
    public static async Task RecordPipelineAsync(NpgsqlConnection connection, string source, string stream, DateTimeOffset at, IReadOnlyDictionary<string, double> values, CancellationToken cancellationToken)
    {
        var minute = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
        var labels = System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, string>(StringComparer.Ordinal) { ["source"] = source, ["stream"] = stream });
        await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH v AS (SELECT * FROM unnest(@names::text[], @values::double precision[]) AS v(name, value)),
            ins AS (INSERT INTO daedalus.metric_series (name, labels) SELECT name, @labels::jsonb FROM v ON CONFLICT (name, labels) DO NOTHING RETURNING id, name),
            series AS (SELECT id, name FROM ins UNION ALL SELECT id, name FROM daedalus.metric_series WHERE labels = @labels::jsonb AND name IN (SELECT name FROM v))
            INSERT INTO daedalus.metric_points AS p (series_id, ts, sum, count, min, max)
            SELECT series.id, @minute, v.value, 1, v.value, v.value FROM v JOIN series USING (name)
            ON CONFLICT (series_id, ts) DO UPDATE SET sum = p.sum + EXCLUDED.sum, count = p.count + 1,
                min = LEAST(p.min, EXCLUDED.min), max = GREATEST(p.max, EXCLUDED.max)
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
            WITH ins AS (INSERT INTO daedalus.metric_series (name, labels) VALUES (@name, @labels::jsonb) ON CONFLICT (name, labels) DO NOTHING RETURNING id),
            series AS (SELECT id FROM ins UNION ALL SELECT id FROM daedalus.metric_series WHERE name = @name AND labels = @labels::jsonb)
            INSERT INTO daedalus.metric_points AS p (series_id, ts, sum, count, min, max)
            SELECT id, @minute, @value, 1, @value, @value FROM series LIMIT 1
            ON CONFLICT (series_id, ts) DO UPDATE SET sum = p.sum + EXCLUDED.sum, count = p.count + 1,
                min = LEAST(p.min, EXCLUDED.min), max = GREATEST(p.max, EXCLUDED.max)
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

        string valueExpression = "1.0";
        if (rule.Value is { Length: > 0 } valueName && rule.Aggregate != "count")
        {
            var value = Column(valueName, "value");
            if (value.Type is not (ColumnType.Integer or ColumnType.Decimal or ColumnType.Double))
            {
                throw new ConfigException([new ConfigError($"metrics.{rule.Name}.value", $"column '{value.Name}' is {value.Type}, not numeric (protected columns are text)")]);
            }

            valueExpression = $"{{0}}.{SqlIdentifier.Quote(value.Name)}::double precision";
        }

        var labels = rule.Labels.Select(l => Column(l, "labels")).ToList();
        string LabelsOf(string alias) => labels.Count == 0
            ? "'{}'::jsonb"
            : $"jsonb_build_object({string.Join(", ", labels.Select(l => $"'{l.Name}', {alias}.{SqlIdentifier.Quote(l.Name)}::text"))})";
        string TimeOf(string alias) => time.Type == ColumnType.Date
            ? $"({alias}.{SqlIdentifier.Quote(time.Name)}::timestamp AT TIME ZONE 'UTC')"
            : $"{alias}.{SqlIdentifier.Quote(time.Name)}";

        var staging = BatchLoader.StagingSource(prepared);
        var keyMatch = string.Join(" AND ", prepared.PrimaryKey.Select(k => $"m.{SqlIdentifier.Quote(k)} = s.{SqlIdentifier.Quote(k)}"));
        return $"""
            WITH c AS (
                SELECT {TimeOf("s")} AS at, {string.Format(System.Globalization.CultureInfo.InvariantCulture, valueExpression, "s")} AS v, {LabelsOf("s")} AS labels, 1 AS sign
                FROM {staging}
                WHERE NOT s._deleted AND NOT EXISTS (SELECT 1 FROM {Matched} m WHERE {keyMatch} AND NOT m._applies)
                UNION ALL
                SELECT {TimeOf("t")}, {string.Format(System.Globalization.CultureInfo.InvariantCulture, valueExpression, "t")}, {LabelsOf("t")}, -1
                FROM {Matched} t
                WHERE t.{TargetTableManager.DeletedAtColumn} IS NULL AND t._applies
            ),
            g AS (
                SELECT date_bin(@bucket, at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS ts, labels,
                       sum(sign * v) AS s, sum(sign) AS n, min(v) FILTER (WHERE sign > 0) AS mn, max(v) FILTER (WHERE sign > 0) AS mx
                FROM c WHERE at IS NOT NULL AND v IS NOT NULL GROUP BY 1, 2
            ),
            ins AS (
                INSERT INTO daedalus.metric_series (name, labels) SELECT DISTINCT @name, labels FROM g
                ON CONFLICT (name, labels) DO NOTHING RETURNING id, labels
            ),
            series AS (
                SELECT id, labels FROM ins
                UNION ALL SELECT id, labels FROM daedalus.metric_series WHERE name = @name AND labels IN (SELECT labels FROM g)
            )
            INSERT INTO daedalus.metric_points AS p (series_id, ts, sum, count, min, max)
            SELECT series.id, g.ts, g.s, g.n, g.mn, g.mx FROM g JOIN series ON series.labels = g.labels
            ON CONFLICT (series_id, ts) DO UPDATE SET sum = p.sum + EXCLUDED.sum, count = p.count + EXCLUDED.count,
                min = LEAST(p.min, EXCLUDED.min), max = GREATEST(p.max, EXCLUDED.max)
            """;
    }
}
