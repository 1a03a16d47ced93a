using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Runs;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Anomalies;

/// <summary>
/// Run metrics per stream (the history anomaly detection learns from) and the anomalies found, in PostgreSQL
/// (<c>daedalus.run_stream_metrics</c>, <c>daedalus.run_anomalies</c>).
/// </summary>
public sealed class RunAnomalyStore
{
    private readonly NpgsqlDataSource _dataSource;

    public RunAnomalyStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>
    /// Records what each stream of a finished run looked like; returns the rows. The quarantine rate is left
    /// unknown while batches of the run are still queued (queue mode), so early counts never become history.
    /// </summary>
    public async Task<IReadOnlyList<StreamRunMetrics>> RecordAsync(RunRecord run, SourceDefinition? source, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var streams = await connection.QueryAsync<(string Stream, long RowsRead, long DurationMs, int Batches, long Quarantined, long LoadedBatches)>(new CommandDefinition(
            """
            SELECT rs.stream, rs.rows_read, rs.duration_ms, rs.batches,
                   coalesce((SELECT sum(b.quarantined) FROM daedalus.batches b WHERE b.run_id = rs.run_id AND b.stream = rs.stream), 0),
                   (SELECT count(*) FROM daedalus.batches b WHERE b.run_id = rs.run_id AND b.stream = rs.stream)
            FROM daedalus.run_streams rs WHERE rs.run_id = @Id
            """,
            new { run.Id },
            cancellationToken: cancellationToken));
        var recorded = new List<StreamRunMetrics>();
        foreach (var s in streams)
        {
            double? changeRate = null;
            if (source?.FindStream(s.Stream) is { } definition && SqlIdentifier.IsValid(definition.Target.Schema) && SqlIdentifier.IsValid(definition.Target.Table))
            {
                // The planner's estimate: free to read, and close enough for "1% a day" versus "60% today".
                var tuples = await connection.ExecuteScalarAsync<float?>(new CommandDefinition(
                    "SELECT reltuples FROM pg_class WHERE oid = to_regclass(@name)",
                    new { name = SqlIdentifier.Qualified(definition.Target.Schema, definition.Target.Table) },
                    cancellationToken: cancellationToken));
                if (tuples is > 0)
                {
                    changeRate = s.RowsRead / (double)tuples.Value;
                }
            }

            double? quarantineRate = s.LoadedBatches >= s.Batches ? (s.RowsRead == 0 ? 0 : s.Quarantined / (double)s.RowsRead) : null;
            var metrics = new StreamRunMetrics(run.Id, s.Stream, s.RowsRead, changeRate, quarantineRate, s.DurationMs / 1000.0);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO daedalus.run_stream_metrics (run_id, source, stream, status, started_at, rows, change_rate, quarantine_rate, duration_seconds)
                VALUES (@RunId, @source, @Stream, @status, @startedAt, @Rows, @ChangeRate, @QuarantineRate, @DurationSeconds)
                ON CONFLICT (run_id, stream) DO NOTHING
                """,
                new { metrics.RunId, source = run.Source, metrics.Stream, status = run.Status.Name(), startedAt = DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc), metrics.Rows, metrics.ChangeRate, metrics.QuarantineRate, metrics.DurationSeconds },
                cancellationToken: cancellationToken));
            recorded.Add(metrics);
        }

        return recorded;
    }

    /// <summary>Earlier succeeded runs of a stream within <see cref="AnomalyDetector.Window"/>, newest first.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, StreamRunMetrics Metrics)>> HistoryAsync(string source, string stream, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid RunId, DateTime StartedAt, double Rows, double? ChangeRate, double? QuarantineRate, double DurationSeconds)>(new CommandDefinition(
            """
            SELECT run_id, started_at, rows, change_rate, quarantine_rate, duration_seconds FROM daedalus.run_stream_metrics
            WHERE source = @source AND stream = @stream AND status = 'succeeded' AND started_at < @before AND started_at >= @since
            ORDER BY started_at DESC LIMIT @limit
            """,
            new { source, stream, before, since = before - AnomalyDetector.Window, limit = AnomalyDetector.MaxHistory },
            cancellationToken: cancellationToken));
        return rows.Select(r => (new DateTimeOffset(DateTime.SpecifyKind(r.StartedAt, DateTimeKind.Utc)), new StreamRunMetrics(r.RunId, stream, r.Rows, r.ChangeRate, r.QuarantineRate, r.DurationSeconds))).ToList();
    }

    public async Task SaveAsync(RunRecord run, IReadOnlyList<StreamAnomaly> anomalies, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var (stream, v) in anomalies)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO daedalus.run_anomalies (run_id, source, stream, metric, value, expected, low, high, score, baseline_runs, seasonal)
                VALUES (@id, @source, @stream, @Metric, @Value, @Expected, @Low, @High, @Score, @BaselineRuns, @Seasonal)
                ON CONFLICT (run_id, stream, metric) DO NOTHING
                """,
                new { id = run.Id, source = run.Source, stream, v.Metric, v.Value, v.Expected, v.Low, v.High, v.Score, v.BaselineRuns, v.Seasonal },
                cancellationToken: cancellationToken));
        }
    }

    /// <summary>The anomalies of the given runs.</summary>
    public async Task<IReadOnlyList<RunAnomaly>> ForRunsAsync(IReadOnlyCollection<Guid> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0)
        {
            return [];
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return Map(await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM daedalus.run_anomalies WHERE run_id = ANY(@ids) ORDER BY stream, metric",
            new { ids = runIds.ToArray() },
            cancellationToken: cancellationToken)));
    }

    /// <summary>The anomalies of each source's latest succeeded run: what is unusual right now.</summary>
    public async Task<IReadOnlyList<RunAnomaly>> CurrentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return Map(await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM daedalus.run_anomalies a
            WHERE a.run_id IN (SELECT DISTINCT ON (source) id FROM daedalus.runs WHERE status = 'succeeded' ORDER BY source, started_at DESC)
            ORDER BY a.source, a.stream, a.metric
            """,
            cancellationToken: cancellationToken)));
    }

    private const string Columns = "run_id, source, stream, metric, value, expected, low, high, score, baseline_runs, seasonal, detected_at";

    private static List<RunAnomaly> Map(IEnumerable<Row> rows) =>
        rows.Select(r => new RunAnomaly(r.RunId, r.Source, r.Stream, r.Metric, r.Value, Math.Round(r.Expected, 6), Math.Round(r.Low, 6), Math.Round(r.High, 6), r.Score, r.BaselineRuns, r.Seasonal, new DateTimeOffset(DateTime.SpecifyKind(r.DetectedAt, DateTimeKind.Utc)))).ToList();

    private sealed record Row(Guid RunId, string Source, string Stream, string Metric, double Value, double Expected, double Low, double High, double Score, int BaselineRuns, bool Seasonal, DateTime DetectedAt);
}
