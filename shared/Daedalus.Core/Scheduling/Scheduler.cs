using Daedalus.Alerting;
using Daedalus.Configuration;
using Daedalus.Metrics;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Retention;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Scheduling;

/// <summary>
/// Decides which sources are due (6-field NCRONTAB, UTC; enabled; inside the active window), claims each due
/// slot in PostgreSQL so that one instance only takes it, and enqueues one pull request per due source on the pull
/// queue (<c>daedalus-pulls</c>): the pulls themselves run wherever a <c>pull</c> function or a serve pull worker
/// picks them up, fanned out across instances. The timer function calls <see cref="TickAsync"/>; the self-host's
/// cron loop calls the same steps. A slot that falls due while the source still has a run queued, running or loading
/// is skipped, so a slow pull is never overlapped by the next slot's and requests do not pile up behind it.
/// </summary>
public sealed class Scheduler
{
    private readonly SourceCatalog _catalog;
    private readonly PullRequester _pulls;
    private readonly RunStore _runs;
    private readonly RunSupervisor _supervisor;
    private readonly AzureBatchQueue _queue;
    private readonly AzurePullQueue _pullQueue;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly RetentionPruner _retention;
    private readonly NotificationOutbox _outbox;
    private readonly ILogger<Scheduler> _logger;
    private readonly string _queueName;
    private readonly string _pullQueueName;

    public Scheduler(SourceCatalog catalog, PullRequester pulls, RunStore runs, RunSupervisor supervisor, AzureBatchQueue queue, AzurePullQueue pullQueue, NpgsqlDataSource dataSource, TimeProvider clock, Microsoft.Extensions.Options.IOptions<QueueOptions> queueOptions, RetentionPruner retention, NotificationOutbox outbox, ILogger<Scheduler> logger)
    {
        _outbox = outbox;
        _retention = retention;
        _catalog = catalog;
        _pulls = pulls;
        _runs = runs;
        _supervisor = supervisor;
        _queue = queue;
        _pullQueue = pullQueue;
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
        _queueName = queueOptions.Value.Name;
        _pullQueueName = queueOptions.Value.PullName;
    }

    /// <summary>Identifies this instance in <c>schedule_state.claimed_by</c>.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>One full tick: run supervision (dead runs, lost batches and pull requests), queue depth gauges, then a pull request for every due source. Returns the queued runs.</summary>
    public async Task<IReadOnlyList<Guid>> TickAsync(CancellationToken cancellationToken)
    {
        await SuperviseAsync(cancellationToken);
        await RecordQueueDepthAsync(cancellationToken);
        await MaintainAsync(cancellationToken);
        var due = await ClaimDueAsync(_clock.GetUtcNow(), cancellationToken);
        var runs = new List<Guid>();
        foreach (var source in due)
        {
            if (await RequestPullAsync(source, cancellationToken) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs;
    }

    /// <summary>Run supervision (<see cref="RunSupervisor"/>); a failure is logged, not thrown: the tick goes on.</summary>
    public async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _supervisor.SuperviseAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Run supervision failed this tick: {Error}", ex.Message);
        }
    }

    /// <summary>Retention (<see cref="RetentionPruner"/>) when its interval has passed; never throws for a database failure.</summary>
    public Task MaintainAsync(CancellationToken cancellationToken) => _retention.RunIfDueAsync(cancellationToken);

    /// <summary>Claims every due slot this instance wins; a slot claimed elsewhere is not returned.</summary>
    public async Task<IReadOnlyList<DueSource>> ClaimDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sources = await _catalog.ListAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var lastSlots = (await connection.QueryAsync<(string Source, DateTime LastSlot)>(new CommandDefinition(
            "SELECT source, last_slot FROM daedalus.schedule_state", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Source, r => new DateTimeOffset(DateTime.SpecifyKind(r.LastSlot, DateTimeKind.Utc)));
        // A retirement time moved to the future (or removed) brings the source back.
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE daedalus.sources SET retired_at = NULL WHERE retired_at IS NOT NULL AND NOT coalesce((definition ->> 'retireAt')::timestamptz <= @now, false)",
            new { now },
            cancellationToken: cancellationToken));
        var claimed = new List<DueSource>();
        foreach (var source in sources)
        {
            if (source.RetireAt is { } retireAt && retireAt <= now)
            {
                await RetireAsync(connection, source.Name, retireAt, now, cancellationToken);
                continue;
            }

            if (!source.Enabled || (source.Window is { } window && !window.Contains(now)))
            {
                continue;
            }

            if (!SourceDefinitionValidator.TryParseSchedule(source.Schedule, out var schedule))
            {
                _logger.LogWarning("Source {Source} has an invalid schedule {Schedule}; it is not scheduled", source.Name, source.Schedule);
                continue;
            }

            if (ScheduleSlots.Due(schedule!, lastSlots.TryGetValue(source.Name, out var last) ? last : null, now) is not { } slot)
            {
                continue;
            }

            var won = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                """
                WITH claim AS (
                    INSERT INTO daedalus.schedule_state AS s (source, last_slot, claimed_by, claimed_at) VALUES (@source, @slot, @instance, now())
                    ON CONFLICT (source) DO UPDATE SET last_slot = EXCLUDED.last_slot, claimed_by = EXCLUDED.claimed_by, claimed_at = now()
                    WHERE s.last_slot < EXCLUDED.last_slot
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM claim)
                """,
                new { source = source.Name, slot = slot.UtcDateTime, instance = InstanceId },
                cancellationToken: cancellationToken));
            if (won)
            {
                claimed.Add(new DueSource(source, slot));
            }
        }

        return claimed;
    }

    /// <summary>
    /// Marks a source past its retirement time retired, once (audited), and notifies through the outbox (one
    /// notification per source and retirement time, however many instances or ticks see it).
    /// </summary>
    private async Task RetireAsync(NpgsqlConnection connection, string source, DateTimeOffset retireAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retired = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            WITH retired AS (UPDATE daedalus.sources SET retired_at = @now WHERE name = @source AND retired_at IS NULL RETURNING name),
            audited AS (
                INSERT INTO daedalus.audit_log (actor, action, target, detail)
                SELECT 'daedalus', 'source.retire', name, jsonb_build_object('retireAt', @retireAt) FROM retired)
            SELECT EXISTS (SELECT 1 FROM retired)
            """,
            new { source, now, retireAt },
            cancellationToken: cancellationToken));
        if (!retired)
        {
            return;
        }

        _logger.LogInformation("Source {Source} reached its retirement time {RetireAt:O}: it is no longer pulled", source, retireAt);
        try
        {
            var at = retireAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            await _outbox.EnqueueAsync(
                new NotificationEvent(
                    $"retired:{source}:{at}",
                    NotificationKinds.SourceRetired,
                    NotificationEvent.Info,
                    source,
                    $"Daedalus: {source} retired",
                    $"Source {source} reached its retirement time ({at}); the scheduler no longer pulls it. Its data and run history stay.",
                    now,
                    null,
                    [new NotificationFact("Retired at", at)]),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Could not notify the retirement of {Source}", source);
        }
    }

    /// <summary>
    /// Enqueues the pull of one claimed slot; returns its run, or null when the source still has a run queued, running or
    /// loading (the slot is skipped: the next pull waits until the queue has caught up) or the request could not be sent (logged, and recorded in the run; never thrown).
    /// </summary>
    public async Task<Guid?> RequestPullAsync(DueSource due, CancellationToken cancellationToken)
    {
        // The root of the run's trace in serve; a child of the timer invocation in the Functions app.
        using var span = Telemetry.DaedalusTracing.Source.StartActivity(Telemetry.DaedalusTracing.ScheduleSpan);
        span?.SetTag("daedalus.source", due.Source.Name);
        span?.SetTag("daedalus.slot", due.Slot.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            if (await _runs.OpenPullAsync(due.Source.Name, loading: true, cancellationToken) is { } open)
            {
                _logger.LogInformation("Source {Source} still has run {RunId} queued, running or loading; slot {Slot:O} is skipped", due.Source.Name, open, due.Slot);
                return null;
            }

            var run = await _pulls.RequestAsync(due.Source.Name, "schedule", cancellationToken);
            _logger.LogInformation("Scheduled pull of {Source} for slot {Slot:O} queued as run {RunId}", due.Source.Name, due.Slot, run);
            return run;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(ex, "Scheduled pull of {Source} for slot {Slot:O} could not be queued", due.Source.Name, due.Slot);
            return null;
        }
    }

    /// <summary>Queue depth gauges for the pipeline dashboard. A storage outage is logged, not thrown: the tick goes on.</summary>
    public async Task RecordQueueDepthAsync(CancellationToken cancellationToken)
    {
        QueueDepth depth, pulls;
        try
        {
            depth = await _queue.GetDepthAsync(cancellationToken);
            pulls = await _pullQueue.GetDepthAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not read the queue depth");
            return;
        }

        var at = _clock.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await QueueDepthGauge.RecordAsync(connection, _queueName, at, depth, cancellationToken);
        await QueueDepthGauge.RecordAsync(connection, _pullQueueName, at, pulls, cancellationToken);
    }
}
