using System.Globalization;
using Daedalus.Anomalies;
using Daedalus.Runs;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Alerting;

/// <summary>
/// The pipeline's one call per event: a run finished, a batch was poisoned. Each judges the event (failed,
/// partial, recovered, anomalous) and writes outbox rows; nothing here waits on a webhook, and nothing here ever
/// throws into the pipeline: a failure to alert is logged, the sync goes on.
/// </summary>
public sealed class PipelineAlerts
{
    private readonly RunStore _runs;
    private readonly SourceCatalog _catalog;
    private readonly RunAnomalyMonitor _anomalies;
    private readonly NotificationOutbox _outbox;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ILogger<PipelineAlerts> _logger;

    public PipelineAlerts(RunStore runs, SourceCatalog catalog, RunAnomalyMonitor anomalies, NotificationOutbox outbox, NpgsqlDataSource dataSource, TimeProvider clock, ILogger<PipelineAlerts> logger)
    {
        _runs = runs;
        _catalog = catalog;
        _anomalies = anomalies;
        _outbox = outbox;
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>After a run is finished: anomalies, and failed / partial / recovered / anomaly notifications.</summary>
    public async Task RunFinishedAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            if (await _runs.GetAsync(runId, cancellationToken) is not { FinishedAt: not null } run)
            {
                return;
            }

            var source = await _catalog.GetAsync(run.Source, cancellationToken);
            var anomalies = await _anomalies.AssessAsync(run, source, cancellationToken);
            var facts = RunFacts(run);
            switch (run.Status)
            {
                case RunStatus.Failed:
                    await _outbox.EnqueueAsync(Event(run, NotificationKinds.RunFailed, NotificationEvent.Error, $"Daedalus: {run.Source} run failed", $"Run {run.Id} of {run.Source} failed: {run.Error}", facts), cancellationToken);
                    break;
                case RunStatus.Partial:
                    await _outbox.EnqueueAsync(Event(run, NotificationKinds.RunPartial, NotificationEvent.Warning, $"Daedalus: {run.Source} run partial", $"Run {run.Id} of {run.Source} stopped early: {run.Error}", facts), cancellationToken);
                    break;
                case RunStatus.Succeeded:
                    if (await RecoversAsync(run, cancellationToken) is { } from)
                    {
                        await _outbox.EnqueueAsync(Event(run, NotificationKinds.Recovered, NotificationEvent.Info, $"Daedalus: {run.Source} recovered", $"Run {run.Id} of {run.Source} succeeded after {from}.", facts), cancellationToken);
                    }

                    break;
            }

            if (anomalies.Count > 0)
            {
                var text = string.Join("; ", anomalies.Select(a => $"{a.Stream} {a.Verdict.Metric} {Format(a.Verdict.Value)} (usual {Format(a.Verdict.Expected)}, band {Format(a.Verdict.Low)}–{Format(a.Verdict.High)})"));
                await _outbox.EnqueueAsync(
                    Event(run, NotificationKinds.Anomaly, NotificationEvent.Warning, $"Daedalus: unusual run of {run.Source}", $"Run {run.Id} of {run.Source} departed from the usual: {text}.", [.. facts, .. anomalies.Select(a => new NotificationFact($"{a.Stream} {a.Verdict.Metric}", $"{Format(a.Verdict.Value)} (usual {Format(a.Verdict.Expected)}, score {a.Verdict.Score:0.#})"))]),
                    cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(ex, "Alerting on run {RunId} failed; the run itself is unaffected", runId);
        }
    }

    /// <summary>After a batch message went to the poison queue. <paramref name="messageId"/> is the poisoned delivery's id.</summary>
    public async Task BatchPoisonedAsync(string messageId, string? batchId, string? source, string? stream, string error, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.EnqueueAsync(
                new NotificationEvent(
                    $"poison:{messageId}",
                    NotificationKinds.BatchPoisoned,
                    NotificationEvent.Error,
                    source,
                    $"Daedalus: batch poisoned{(source is null ? "" : $" ({source}/{stream})")}",
                    $"Batch {batchId ?? "(unreadable)"} of {source ?? "?"}/{stream ?? "?"} was moved to the poison queue: {error}. Replay it with `daedalus batches replay` once fixed.",
                    _clock.GetUtcNow(),
                    null,
                    [new("Source", source ?? "?"), new("Stream", stream ?? "?"), new("Batch", batchId ?? "?"), new("Message", messageId)]),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(ex, "Alerting on poisoned message {MessageId} failed; the message is in the poison queue regardless", messageId);
        }
    }

    /// <summary>What a succeeded run recovers from: the previous finished run failed or was partial, or the source went stale since its last success.</summary>
    private async Task<string?> RecoversAsync(RunRecord run, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var previous = await connection.QuerySingleOrDefaultAsync<(string? Status, DateTime? LastSuccess)>(new CommandDefinition(
            """
            SELECT (SELECT status FROM daedalus.runs WHERE source = @Source AND id <> @Id AND started_at < @StartedAt AND status IN ('succeeded', 'partial', 'failed') ORDER BY started_at DESC LIMIT 1),
                   (SELECT max(finished_at) FROM daedalus.runs WHERE source = @Source AND id <> @Id AND started_at < @StartedAt AND status = 'succeeded')
            """,
            new { run.Source, run.Id, StartedAt = DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc) },
            cancellationToken: cancellationToken));
        if (previous.Status is { } name && RunStatuses.Parse(name) is RunStatus.Failed or RunStatus.Partial)
        {
            return $"a {name} run";
        }

        var wentStale = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM daedalus.notification_outbox WHERE kind = 'source_stale' AND source = @Source AND created_at > coalesce(@since, '-infinity'::timestamptz))",
            new { run.Source, since = previous.LastSuccess is { } s ? DateTime.SpecifyKind(s, DateTimeKind.Utc) : (DateTime?)null },
            cancellationToken: cancellationToken));
        return wentStale ? "being stale" : null;
    }

    private NotificationEvent Event(RunRecord run, string kind, string severity, string title, string text, IReadOnlyList<NotificationFact> facts) =>
        new($"{kind}:{run.Id}", kind, severity, run.Source, title, text, _clock.GetUtcNow(), run.Id, facts);

    private static List<NotificationFact> RunFacts(RunRecord run) =>
    [
        new("Source", run.Source),
        new("Run", run.Id.ToString()),
        new("Status", run.Status.Name()),
        new("Trigger", run.Trigger),
        new("Rows read", run.RowsRead.ToString("N0", CultureInfo.InvariantCulture)),
        new("Rows loaded", run.RowsLoaded.ToString("N0", CultureInfo.InvariantCulture)),
        new("Rows quarantined", run.RowsQuarantined.ToString("N0", CultureInfo.InvariantCulture)),
    ];

    private static string Format(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.####", CultureInfo.InvariantCulture);
}
