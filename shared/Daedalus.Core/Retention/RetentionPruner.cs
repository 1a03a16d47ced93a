using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Retention;

/// <summary>
/// The maintenance step both hosts run on the scheduler tick (the timer function and serve's cron loop): deletes
/// finished runs (with their streams, events, anomaly history and sends), ledger rows, quarantined rows and metric
/// points past their retention (<see cref="RetentionOptions"/>), in statements of at most
/// <see cref="RetentionOptions.BatchSize"/> rows, each its own short transaction, so a prune never holds locks for long.
/// One instance prunes at a time (a session advisory lock); the others skip.
/// <para>
/// What exactly-once needs is kept: runs still open, batches still queued (a queued batch may be lost, and its stream is
/// then re-read from the hole), and every ledger row of a stream loaded after a batch of that stream still queued (the
/// re-read would bring those batches again). See docs/operations.md, "Retention".
/// </para>
/// </summary>
public sealed class RetentionPruner
{
    private const long LockKey = 0x0DAEDA10E7;

    private readonly NpgsqlDataSource _dataSource;
    private readonly RetentionOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<RetentionPruner> _logger;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public RetentionPruner(NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionPruner> logger)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>
    /// Prunes when <see cref="RetentionOptions.Interval"/> has passed since this process last finished pruning (at once
    /// again while a backlog remains). Never throws for a database failure: the tick goes on and the next one retries.
    /// </summary>
    public async Task<RetentionReport?> RunIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        if (!_options.Enabled || now < _next)
        {
            return null;
        }

        try
        {
            var report = await PruneAsync(cancellationToken);
            _next = report is { More: true } ? now : now + _options.Interval;
            return report;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Retention maintenance failed this tick: {Error}", $"{ex.GetType().Name}: {ex.Message}");
            _next = now + TimeSpan.FromMinutes(1);
            return null;
        }
    }

    /// <summary>One pruning pass (up to <see cref="RetentionOptions.MaxBatchesPerStep"/> statements per table); null when another instance is pruning.</summary>
    public async Task<RetentionReport?> PruneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key = LockKey }, cancellationToken: cancellationToken)))
        {
            return null;
        }

        try
        {
            var now = _clock.GetUtcNow();
            var more = false;
            long runs = 0, events = 0, sends = 0;
            var runsCutoff = now - _options.Runs;
            for (var i = 0; i < _options.MaxBatchesPerStep; i++)
            {
                var (r, e, s) = await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition(
                    """
                    WITH doomed AS (
                        SELECT id FROM daedalus.runs
                        WHERE finished_at < @cutoff AND status IN ('succeeded', 'partial', 'failed', 'cancelled', 'skipped')
                        ORDER BY finished_at LIMIT @batch FOR UPDATE SKIP LOCKED),
                    events AS (DELETE FROM daedalus.run_events e USING doomed d WHERE e.run_id = d.id RETURNING 1),
                    sends AS (DELETE FROM daedalus.enqueued_batches q USING doomed d WHERE q.run_id = d.id AND q.state <> 'queued' RETURNING 1),
                    gone AS (DELETE FROM daedalus.runs r USING doomed d WHERE r.id = d.id RETURNING 1)
                    SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM events), (SELECT count(*) FROM sends)
                    """,
                    new { cutoff = runsCutoff, batch = _options.BatchSize },
                    cancellationToken: cancellationToken));
                runs += r;
                events += e;
                sends += s;
                if (r < _options.BatchSize)
                {
                    break;
                }

                more |= i == _options.MaxBatchesPerStep - 1;
            }

            // Events of runs that are gone (or never had a row, e.g. a load outside a run) once they are as old as a run may be.
            var (orphans, moreOrphans) = await DeleteInBatchesAsync(
                connection,
                """
                DELETE FROM daedalus.run_events WHERE id IN (
                    SELECT e.id FROM daedalus.run_events e
                    WHERE e.at < @cutoff AND NOT EXISTS (SELECT 1 FROM daedalus.runs r WHERE r.id = e.run_id AND r.finished_at IS NULL)
                    ORDER BY e.at LIMIT @batch)
                """,
                runsCutoff,
                cancellationToken);
            var ledgerCutoff = now - _options.Ledger;
            var (ledger, moreLedger) = await DeleteInBatchesAsync(
                connection,
                """
                DELETE FROM daedalus.batches WHERE batch_id IN (
                    SELECT b.batch_id FROM daedalus.batches b
                    WHERE b.loaded_at < @cutoff
                      -- A batch of this stream still queued may be lost; the stream is then re-read from it, and every batch
                      -- loaded since comes again: their ledger rows must answer "already loaded".
                      AND NOT EXISTS (SELECT 1 FROM daedalus.enqueued_batches q
                                      WHERE q.state = 'queued' AND q.source = b.source AND q.stream = b.stream AND q.enqueued_at <= b.loaded_at)
                    ORDER BY b.loaded_at LIMIT @batch)
                """,
                ledgerCutoff,
                cancellationToken);
            var (loadedSends, moreSends) = await DeleteInBatchesAsync(
                connection,
                """
                DELETE FROM daedalus.enqueued_batches WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM daedalus.enqueued_batches WHERE state = 'loaded' AND settled_at < @cutoff LIMIT @batch))
                """,
                ledgerCutoff,
                cancellationToken);
            var (quarantine, moreQuarantine) = await DeleteInBatchesAsync(
                connection,
                "DELETE FROM daedalus.quarantine WHERE id IN (SELECT id FROM daedalus.quarantine WHERE created_at < @cutoff ORDER BY created_at LIMIT @batch)",
                now - _options.Quarantine,
                cancellationToken);
            var (points, morePoints) = await DeleteInBatchesAsync(
                connection,
                """
                DELETE FROM daedalus.metric_points WHERE ctid = ANY (ARRAY(
                    SELECT p.ctid FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id
                    WHERE p.ts < @cutoff AND starts_with(s.name, 'daedalus_') LIMIT @batch))
                """,
                now - _options.MetricPoints,
                cancellationToken);
            if (_options.SourceMetricPoints is { } sourcePoints)
            {
                var (business, moreBusiness) = await DeleteInBatchesAsync(
                    connection,
                    """
                    DELETE FROM daedalus.metric_points WHERE ctid = ANY (ARRAY(
                        SELECT p.ctid FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id
                        WHERE p.ts < @cutoff AND NOT starts_with(s.name, 'daedalus_') LIMIT @batch))
                    """,
                    now - sourcePoints,
                    cancellationToken);
                points += business;
                morePoints |= moreBusiness;
            }
            var report = new RetentionReport(runs, events + orphans, ledger, sends + loadedSends, quarantine, points, more || moreOrphans || moreLedger || moreSends || moreQuarantine || morePoints);
            if (report.Total > 0)
            {
                _logger.LogInformation(
                    "Retention pruned {Runs} runs, {RunEvents} run events, {Ledger} ledger rows, {Sends} sends, {Quarantine} quarantined rows and {MetricPoints} metric points; more to prune: {More}",
                    report.Runs, report.RunEvents, report.Ledger, report.Sends, report.Quarantine, report.MetricPoints, report.More);
            }

            return report;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = LockKey }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>Runs <paramref name="sql"/> (parameters <c>@cutoff</c>, <c>@batch</c>) until it deletes fewer than a batch or the step's budget is spent.</summary>
    private async Task<(long Deleted, bool More)> DeleteInBatchesAsync(NpgsqlConnection connection, string sql, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long total = 0;
        for (var i = 0; i < _options.MaxBatchesPerStep; i++)
        {
            var deleted = await connection.ExecuteAsync(new CommandDefinition(sql, new { cutoff, batch = _options.BatchSize }, cancellationToken: cancellationToken));
            total += deleted;
            if (deleted < _options.BatchSize)
            {
                return (total, false);
            }
        }

        return (total, true);
    }
}
