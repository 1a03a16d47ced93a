using System.Globalization;
using System.Text.Json;
using Daedalus.Anomalies;
using Daedalus.Application.Sources;
using Daedalus.Client;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Storage;
using Npgsql;

namespace Daedalus.Application.Runs;

/// <summary>Sync history of a source, one run, and "pull now" (refused while a pull of the source is queued or under way).</summary>
public sealed class RunService
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 500;

    private readonly SourceCatalog _catalog;
    private readonly RunStore _runs;
    private readonly RunAnomalyStore _anomalies;
    private readonly NpgsqlDataSource _dataSource;
    private readonly RunLauncher _launcher;
    private readonly RunEventStore _events;
    private readonly AuditLog _audit;

    public const int DefaultEventLimit = 1000;
    public const int MaxEventLimit = 5000;

    public RunService(SourceCatalog catalog, RunStore runs, RunAnomalyStore anomalies, NpgsqlDataSource dataSource, RunLauncher launcher, RunEventStore events, AuditLog audit)
    {
        _audit = audit;
        _events = events;
        _catalog = catalog;
        _runs = runs;
        _anomalies = anomalies;
        _dataSource = dataSource;
        _launcher = launcher;
    }

    /// <summary>
    /// A page of the runs of <paramref name="source"/>, newest first; <paramref name="limit"/> from 1 to
    /// <see cref="MaxLimit"/>; <paramref name="after"/> the id of the last run of the previous page (its <c>after</c>).
    /// </summary>
    public async Task<ServiceResult<Page<RunInfo>>> ListAsync(string source, int limit, RunStatus? status, string? after, CancellationToken cancellationToken)
    {
        var page = await ListPageAsync(source, limit, status, after, cancellationToken);
        // A deleted source's history stays readable: 404 only for a name that is neither configured nor has runs.
        if (page.IsOk && page.Value.Items.Count == 0 && after is null && (status is null || await _runs.GetAnyAsync(source, cancellationToken) is null) && await _catalog.GetAsync(source, cancellationToken) is null)
        {
            return SourceService.NotFound(source);
        }

        return page;
    }

    /// <summary>A page of the runs of every source, deleted ones included, newest first (as <see cref="ListAsync"/>).</summary>
    public Task<ServiceResult<Page<RunInfo>>> ListAllAsync(int limit, RunStatus? status, string? after, CancellationToken cancellationToken) =>
        ListPageAsync(null, limit, status, after, cancellationToken);

    private async Task<ServiceResult<Page<RunInfo>>> ListPageAsync(string? source, int limit, RunStatus? status, string? after, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ServiceError.BadInput("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        Guid? afterRun = null;
        if (after is not null)
        {
            // The cursor is a run id: a page starts after a run that exists, never at a guess.
            if (!Guid.TryParse(after, out var id) || await _runs.GetAsync(id, cancellationToken) is not { } from || (source is not null && from.Source != source))
            {
                return ServiceError.BadInput("after", "must be the id of a run in this list (the previous page's next link carries it)");
            }

            afterRun = id;
        }

        var runs = await _runs.ListAsync(source, limit + 1, status, cancellationToken, afterRun);
        var page = Pages.Of(runs, limit, r => r.Id.ToString("D", CultureInfo.InvariantCulture));
        var anomalies = (await _anomalies.ForRunsAsync(page.Items.Select(r => r.Id).ToList(), cancellationToken)).ToLookup(a => a.RunId);
        return new Page<RunInfo>(page.Items.Select(r => ToInfo(r, anomalies[r.Id].ToList())).ToList(), page.After);
    }

    /// <summary>
    /// A <c>status</c> filter as given (query string, command line): null when absent, the status, or BadInput listing
    /// the names (<see cref="RunStatuses.All"/>).
    /// </summary>
    public static ServiceResult<RunStatus?> ParseStatusFilter(string? status)
    {
        if (status is null)
        {
            return (RunStatus?)null;
        }

        return RunStatuses.TryParse(status, out var parsed)
            ? parsed
            : ServiceError.BadInput("status", $"must be one of {string.Join(", ", RunStatuses.All)}");
    }

    public async Task<ServiceResult<RunInfo>> GetAsync(string source, Guid id, CancellationToken cancellationToken)
    {
        var run = await _runs.GetAsync(id, cancellationToken);
        if (run is null || run.Source != source)
        {
            return ServiceError.NotFound("There is no such run.");
        }

        return ToInfo(run, await _anomalies.ForRunsAsync([run.Id], cancellationToken));
    }

    /// <summary>
    /// A page of the events of run <paramref name="id"/> of <paramref name="source"/> in the order they were recorded, at
    /// most <paramref name="limit"/> (1 to <see cref="MaxEventLimit"/>), those after event id <paramref name="after"/>.
    /// NotFound when the run is not one of the source's.
    /// </summary>
    public async Task<ServiceResult<Page<RunEventInfo>>> ListEventsAsync(string source, Guid id, int limit, string? after, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxEventLimit)
        {
            return ServiceError.BadInput("limit", $"must be a whole number from 1 to {MaxEventLimit}");
        }

        var afterEvent = 0L;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterEvent))
        {
            return ServiceError.BadInput("after", "must be an event id (the previous page's next link carries it)");
        }

        var run = await _runs.GetAsync(id, cancellationToken);
        if (run is null || run.Source != source)
        {
            return ServiceError.NotFound("There is no such run.");
        }

        if (after is not null && !await _events.IsEventOfAsync(id, afterEvent, cancellationToken))
        {
            // An id of another run, or of none, would silently give an empty or foreign page.
            return ServiceError.BadInput("after", "must be the id of an event of this run (the previous page's next link carries it)");
        }

        var events = Pages.Of(await _events.ListAsync(id, limit + 1, cancellationToken, afterEvent), limit, e => e.Id.ToString(CultureInfo.InvariantCulture));
        return new Page<RunEventInfo>(
            events.Items.Select(e =>
            {
                using var detail = JsonDocument.Parse(e.Detail);
                return new RunEventInfo(e.Id, e.RunId, e.At, e.Kind, e.Source, e.Stream, e.BatchId, detail.RootElement.Clone());
            }).ToList(),
            events.After);
    }

    /// <summary>
    /// Starts a pull now and answers with the run id (its pull request is on the pull queue, or, in a host without
    /// storage, it pulls in the background of this process). Conflict while a pull of the source is queued or under
    /// way; Unavailable when the request cannot be queued.
    /// </summary>
    public async Task<ServiceResult<RunAccepted>> TriggerAsync(string name, string actor, CancellationToken cancellationToken)
    {
        var source = await _catalog.GetAsync(name, cancellationToken);
        if (source is null)
        {
            return SourceService.NotFound(name);
        }

        // Held until the new run's row exists, so a concurrent trigger finds it (check-then-insert without it let 2-3
        // of 16 simultaneous requests through).
        await using var trigger = await RunTriggerLock.AcquireAsync(_dataSource, name, cancellationToken);
        // A new source is due at once, so a "pull now" right after creating one often meets the scheduler's first run.
        // The run rows are checked first: probing the pull lock while a just-launched in-process pull is taking it
        // would make that pull skip.
        var open = await _runs.OpenPullAsync(name, loading: false, cancellationToken);
        if (open is not null)
        {
            return ServiceError.PullUnderWay(name, open, $"A pull of '{name}' is queued or under way.");
        }

        await using (var probe = await PullLock.TryAcquireAsync(_dataSource, name, cancellationToken))
        {
            if (probe is null)
            {
                return ServiceError.PullUnderWay(name, null, $"A pull of '{name}' is under way.");
            }
        }

        Guid id;
        try
        {
            id = await _launcher.LaunchAsync(source, actor, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && BatchMessageHandler.IsInfrastructure(ex))
        {
            return ServiceError.Unavailable("Pull queue unavailable", "The pull request could not be queued (storage did not answer); the run is recorded as failed. Try again.");
        }

        return new RunAccepted(id, name, ApiPaths.Run(name, id));
    }

    /// <summary>
    /// Cancels run <paramref name="id"/> (of <paramref name="source"/> when given; any source when null), audited as
    /// <paramref name="actor"/>. A <c>queued</c> run is cancelled at once and its pull request dropped when dequeued;
    /// a <c>running</c> pull is asked to stop at its next batch boundary (the batches it enqueued still load, and the
    /// run is <c>cancelled</c> once they have); asking again while it stops changes nothing. Answers the run as it is
    /// now. NotFound for an unknown run; Conflict (naming the status) for a run whose pull has ended: <c>loading</c>
    /// (its batches are durable and will load) or finished.
    /// </summary>
    public async Task<ServiceResult<RunInfo>> CancelAsync(string? source, Guid id, string actor, CancellationToken cancellationToken)
    {
        var existing = await _runs.GetAsync(id, cancellationToken);
        if (existing is null || (source is not null && existing.Source != source))
        {
            return ServiceError.NotFound("There is no such run.");
        }

        var before = await _runs.RequestCancelAsync(id, actor, cancellationToken);
        if (before is null)
        {
            return ServiceError.NotFound("There is no such run.");
        }

        if (before is not (RunStatus.Queued or RunStatus.Running))
        {
            var detail = before == RunStatus.Loading
                ? $"Run {id} of '{existing.Source}' is loading: its pull has ended and the batches it enqueued are durable and will finish loading; there is nothing left to cancel."
                : $"Run {id} of '{existing.Source}' has already finished: {before.Value.Name()}.";
            return ServiceError.Conflict(detail) with
            {
                Extensions = new Dictionary<string, object?> { ["status"] = before.Value.Name(), ["run"] = ApiPaths.Run(existing.Source, id) },
            };
        }

        await _audit.WriteAsync(actor, "run.cancel", $"{existing.Source}/{id}", new { status = before.Value.Name() }, cancellationToken);
        var run = await _runs.GetAsync(id, cancellationToken);
        return ToInfo(run!, []);
    }

    public static RunInfo ToInfo(RunRecord run, IReadOnlyList<RunAnomaly> anomalies)
    {
        var started = new DateTimeOffset(DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc));
        DateTimeOffset? finished = run.FinishedAt is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f, DateTimeKind.Utc)) : null;
        return new RunInfo(
            run.Id, run.Source, run.Trigger, run.Status, started, finished, run.RowsRead, run.RowsLoaded, run.RowsQuarantined, run.RowsDeleted, run.Batches,
            finished is { } end ? Math.Round((end - started).TotalSeconds, 3) : null,
            run.Error,
            anomalies,
            run.BatchesPoisoned,
            run.BatchesLost,
            run.RowsNotLoaded,
            run.CancelRequestedAt is { } c ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)) : null);
    }
}
