using Daedalus.Configuration;
using Daedalus.Metrics;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Scheduling;

/// <summary>
/// Decides which sources are due (6-field NCRONTAB, UTC; enabled; inside the active window), claims each due
/// slot in PostgreSQL so that one instance only pulls it, and pulls it onto the queue. The timer function calls
/// <see cref="TickAsync"/>; the self-host's cron loop calls the same steps. The pull itself holds the source's
/// advisory lock, so a slow pull is never overlapped by the next slot's.
/// </summary>
public sealed class Scheduler
{
    private readonly SourceCatalog _catalog;
    private readonly SyncRunner _runner;
    private readonly QueueSink _sink;
    private readonly RunSupervisor _supervisor;
    private readonly AzureBatchQueue _queue;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ILogger<Scheduler> _logger;
    private readonly string _queueName;

    public Scheduler(SourceCatalog catalog, SyncRunner runner, QueueSink sink, RunSupervisor supervisor, AzureBatchQueue queue, NpgsqlDataSource dataSource, TimeProvider clock, Microsoft.Extensions.Options.IOptions<QueueOptions> queueOptions, ILogger<Scheduler> logger)
    {
        _catalog = catalog;
        _runner = runner;
        _sink = sink;
        _supervisor = supervisor;
        _queue = queue;
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
        _queueName = queueOptions.Value.Name;
    }

    /// <summary>Identifies this instance in <c>schedule_state.claimed_by</c>.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>One full tick: run supervision (dead runs, lost batches), queue depth gauges, then every due source pulled (concurrently). Returns what was pulled.</summary>
    public async Task<IReadOnlyList<StreamSummary>> TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _supervisor.SuperviseAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Run supervision failed this tick: {Error}", ex.Message);
        }

        await RecordQueueDepthAsync(cancellationToken);
        var due = await ClaimDueAsync(_clock.GetUtcNow(), cancellationToken);
        var pulls = await Task.WhenAll(due.Select(d => PullAsync(d, cancellationToken)));
        return pulls.SelectMany(p => p).ToList();
    }

    /// <summary>Claims every due slot this instance wins; a slot claimed elsewhere is not returned.</summary>
    public async Task<IReadOnlyList<DueSource>> ClaimDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sources = await _catalog.ListAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var lastSlots = (await connection.QueryAsync<(string Source, DateTime LastSlot)>(new CommandDefinition(
            "SELECT source, last_slot FROM daedalus.schedule_state", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Source, r => new DateTimeOffset(DateTime.SpecifyKind(r.LastSlot, DateTimeKind.Utc)));
        var claimed = new List<DueSource>();
        foreach (var source in sources)
        {
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

    /// <summary>Pulls one claimed source onto the queue. Failures are logged and recorded in the run, never thrown.</summary>
    public async Task<IReadOnlyList<StreamSummary>> PullAsync(DueSource due, CancellationToken cancellationToken)
    {
        try
        {
            var summaries = await _runner.RunSourceAsync(due.Source, Guid.CreateVersion7(), _sink, "schedule", null, cancellationToken);
            foreach (var summary in summaries)
            {
                _logger.LogInformation("Scheduled pull {Source}/{Stream} for slot {Slot:O}: {Status}, {Rows} rows in {Batches} batches", summary.Source, summary.Stream, due.Slot, summary.Status, summary.RowsRead, summary.Batches);
            }

            return summaries;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(ex, "Scheduled pull of {Source} for slot {Slot:O} failed", due.Source.Name, due.Slot);
            return [];
        }
    }

    /// <summary>Queue depth gauges for the pipeline dashboard. A storage outage is logged, not thrown: the tick goes on.</summary>
    public async Task RecordQueueDepthAsync(CancellationToken cancellationToken)
    {
        QueueDepth depth;
        try
        {
            depth = await _queue.GetDepthAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not read the queue depth");
            return;
        }

        var at = _clock.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await QueueDepthGauge.RecordAsync(connection, _queueName, at, depth, cancellationToken);
    }
}
