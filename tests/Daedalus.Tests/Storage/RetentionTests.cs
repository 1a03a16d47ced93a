using Daedalus.Retention;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Tests.Storage;

/// <summary>Retention on a real PostgreSQL: old rows go in small batches, open work and what exactly-once needs stay.</summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync("retention", new Dictionary<string, string?>
    {
        ["Daedalus:Retention:Runs"] = "10.00:00:00",
        ["Daedalus:Retention:Ledger"] = "5.00:00:00",
        ["Daedalus:Retention:Quarantine"] = "7.00:00:00",
        ["Daedalus:Retention:MetricPoints"] = "30.00:00:00",
        // Two rows a statement: the old rows below take several statements, as a large backlog would.
        ["Daedalus:Retention:BatchSize"] = "2",
        ["Daedalus:Retention:MaxBatchesPerStep"] = "100",
    });

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql) => await connection.ExecuteScalarAsync<long>(sql);

    [Fact]
    public async Task Pruning_deletes_rows_past_their_retention_and_keeps_open_runs_recent_rows_and_ledger_rows_a_queued_batch_still_needs()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        var oldRuns = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var openRun = Guid.NewGuid();
        var recentRun = Guid.NewGuid();
        foreach (var id in oldRuns)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO daedalus.runs (id, source, trigger, status, started_at, finished_at, pull_status) VALUES (@id, 's', 'schedule', 'succeeded', now() - interval '21 days', now() - interval '20 days', 'succeeded');
                INSERT INTO daedalus.run_streams (run_id, stream) VALUES (@id, 'x');
                INSERT INTO daedalus.run_events (run_id, kind, source, at) VALUES (@id, 'run.queued', 's', now() - interval '21 days'), (@id, 'run.finished', 's', now() - interval '20 days');
                INSERT INTO daedalus.enqueued_batches (batch_id, run_id, source, stream, sequence, rows, state, enqueued_at, settled_at)
                VALUES ('sent-' || @id, @id, 's', 'x', 0, 1, 'loaded', now() - interval '21 days', now() - interval '20 days');
                """,
                new { id });
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at) VALUES (@openRun, 's', 'schedule', 'loading', now() - interval '30 days');
            INSERT INTO daedalus.run_events (run_id, kind, source, at) VALUES (@openRun, 'run.queued', 's', now() - interval '30 days');
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at, finished_at) VALUES (@recentRun, 's', 'schedule', 'succeeded', now() - interval '2 days', now() - interval '1 day');
            INSERT INTO daedalus.run_events (run_id, kind, source, at) VALUES (@recentRun, 'run.queued', 's', now() - interval '2 days');
            -- Ledger: stream x has nothing queued, so its old rows go; stream y has a batch still queued since before its
            -- old row loaded (it may be lost, and y would be re-read from it), so that row stays.
            INSERT INTO daedalus.batches (batch_id, run_id, source, stream, sequence, rows, loaded_at) VALUES
                ('old-x-1', @recentRun, 's', 'x', 0, 1, now() - interval '10 days'),
                ('old-x-2', @recentRun, 's', 'x', 1, 1, now() - interval '9 days'),
                ('old-x-3', @recentRun, 's', 'x', 2, 1, now() - interval '8 days'),
                ('old-y', @recentRun, 's', 'y', 0, 1, now() - interval '10 days'),
                ('recent-x', @recentRun, 's', 'x', 3, 1, now() - interval '1 day');
            INSERT INTO daedalus.enqueued_batches (batch_id, run_id, source, stream, sequence, rows, state, enqueued_at)
                VALUES ('queued-y', @openRun, 's', 'y', 0, 1, 'queued', now() - interval '11 days');
            INSERT INTO daedalus.quarantine (batch_id, run_id, source, stream, rule, reason, row, created_at) VALUES
                ('b', @recentRun, 's', 'x', 'r', 'old', '{}', now() - interval '8 days'),
                ('b', @recentRun, 's', 'x', 'r', 'old', '{}', now() - interval '9 days'),
                ('b', @recentRun, 's', 'x', 'r', 'old', '{}', now() - interval '10 days'),
                ('b', @recentRun, 's', 'x', 'r', 'recent', '{}', now() - interval '6 days');
            INSERT INTO daedalus.metric_series (name, labels) VALUES ('daedalus_queue_depth', '{}'), ('invoice_amount', '{}');
            INSERT INTO daedalus.metric_points (series_id, ts, sum, count)
                SELECT s.id, now() - make_interval(days => d), 1, 1 FROM daedalus.metric_series s, generate_series(25, 35) d;
            """,
            new { openRun, recentRun });

        var report = await _core.Get<RetentionPruner>().PruneAsync(CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal(5, report.Runs);
        Assert.Equal(0L, await CountAsync(connection, "SELECT count(*) FROM daedalus.runs WHERE finished_at < now() - interval '10 days'"));
        Assert.Equal(0L, await CountAsync(connection, "SELECT count(*) FROM daedalus.run_streams"));
        Assert.Equal(2L, await CountAsync(connection, "SELECT count(*) FROM daedalus.runs"));
        // The open run stays whatever its age, with its events; the recent run's events stay; the old runs' events and sends go.
        Assert.Equal(1L, await CountAsync(connection, $"SELECT count(*) FROM daedalus.run_events WHERE run_id = '{openRun}'"));
        Assert.Equal(1L, await CountAsync(connection, $"SELECT count(*) FROM daedalus.run_events WHERE run_id = '{recentRun}'"));
        Assert.Equal(2L, await CountAsync(connection, "SELECT count(*) FROM daedalus.run_events"));
        Assert.Equal(["queued-y"], (await connection.QueryAsync<string>("SELECT batch_id FROM daedalus.enqueued_batches")).ToList());
        Assert.Equal(["old-y", "recent-x"], (await connection.QueryAsync<string>("SELECT batch_id FROM daedalus.batches ORDER BY batch_id")).ToList());
        Assert.Equal(3, report.Ledger);
        Assert.Equal(["recent"], (await connection.QueryAsync<string>("SELECT reason FROM daedalus.quarantine")).ToList());
        // Daedalus's own series are pruned by point time; a business series keeps its points (SourceMetricPoints unset):
        // their timestamps are the data's, so old invoices loaded today must not vanish on the next tick.
        Assert.Equal(5L, await CountAsync(connection, "SELECT count(*) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'daedalus_queue_depth'"));
        Assert.Equal(0L, await CountAsync(connection, "SELECT count(*) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'daedalus_queue_depth' AND p.ts < now() - interval '30 days'"));
        Assert.Equal(11L, await CountAsync(connection, "SELECT count(*) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id WHERE s.name = 'invoice_amount'"));
        Assert.False(report.More);

        // Nothing is left past its age: the next pass deletes nothing.
        Assert.Equal(0, (await _core.Get<RetentionPruner>().PruneAsync(CancellationToken.None))!.Total);
    }

    [Fact]
    public async Task A_ledger_retention_shorter_than_the_redelivery_horizon_is_refused_on_start()
    {
        await using var core = await CoreServices.StartAsync("retention_bad", new Dictionary<string, string?> { ["Daedalus:Retention:Ledger"] = "1.00:00:00", ["Daedalus:Retention:BatchSize"] = "0" });
        var error = Assert.Throws<OptionsValidationException>(() => core.Get<IOptions<RetentionOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("Daedalus:Retention:Ledger", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Daedalus:Retention:BatchSize", StringComparison.Ordinal));
    }
}
