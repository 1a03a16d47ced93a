using Daedalus.Anomalies;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Storage;

namespace Daedalus.Application.Status;

/// <summary>
/// Health of dependencies and freshness of sources: "unhealthy" when a dependency is down; "degraded" when an enabled
/// source is stale or its last run failed, or while batches wait in the poison queue or were lost by storage (the
/// "batches" check); "healthy" otherwise. Dependency checks live in <see cref="DependencyChecks"/>.
/// </summary>
public sealed class StatusService
{
    /// <summary>A check's status when it works but needs an operator: batches poisoned or lost.</summary>
    public const string Degraded = "degraded";

    private readonly DependencyChecks _checks;
    private readonly SourceFreshnessReader _freshness;
    private readonly RunAnomalyStore _anomalies;
    private readonly EnqueuedBatchStore _batches;
    private readonly TimeProvider _clock;
    private readonly IBatchQueue? _queue;
    private readonly Scheduling.SourceRetirementReader _retirements;

    public StatusService(DependencyChecks checks, SourceFreshnessReader freshness, RunAnomalyStore anomalies, EnqueuedBatchStore batches, Scheduling.SourceRetirementReader retirements, TimeProvider clock, IBatchQueue? queue = null)
    {
        _retirements = retirements;
        _checks = checks;
        _freshness = freshness;
        _anomalies = anomalies;
        _batches = batches;
        _clock = clock;
        _queue = queue;
    }

    public async Task<StatusReport> GetAsync(CancellationToken cancellationToken)
    {
        var checks = await _checks.RunAsync(cancellationToken);
        IReadOnlyList<SourceFreshness> sources = [];
        IReadOnlyList<RunAnomaly> anomalies = [];
        IReadOnlyList<SourceRetirement> retirements = [];
        var database = checks.All(c => c.Name != "postgresql" || c.Status == DependencyChecks.Healthy);
        if (database)
        {
            sources = await _freshness.ReadAsync(cancellationToken);
            anomalies = await _anomalies.CurrentAsync(cancellationToken);
            retirements = await _retirements.ReadAsync(cancellationToken);
            checks = [.. checks, await BatchesAsync(checks, cancellationToken)];
        }

        var unhealthy = checks.Any(c => c.Status == DependencyChecks.Unhealthy);
        var degraded = checks.Any(c => c.Status == Degraded)
            || sources.Any(s => s.Enabled && (s.State == SourceFreshnessReader.Stale || s.LastRunStatus == RunStatus.Failed));
        return new StatusReport(unhealthy ? "unhealthy" : degraded ? "degraded" : "healthy", _clock.GetUtcNow(), checks, sources, anomalies, retirements);
    }

    /// <summary>
    /// Batches that did not load: poison queue depth (what a replay would retry) and the ledger of sends (poisoned,
    /// lost by storage, still queued). Degraded while any is poisoned or was lost in the last day.
    /// </summary>
    private async Task<DependencyStatus> BatchesAsync(IReadOnlyList<DependencyStatus> checks, CancellationToken cancellationToken)
    {
        var (queued, poisoned, lost) = await _batches.CountsAsync(cancellationToken);
        var poisonQueue = 0;
        if (_queue is not null && checks.Any(c => c.Name == "queue" && c.Status == DependencyChecks.Healthy))
        {
            try
            {
                poisonQueue = (await _queue.GetDepthAsync(cancellationToken)).Poison;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                poisonQueue = 0;
            }
        }

        var detail = $"{queued} queued, {Math.Max(poisoned, poisonQueue)} in the poison queue (not loaded), {lost} lost by storage in the last day (re-pulled)";
        return new DependencyStatus("batches", poisoned > 0 || poisonQueue > 0 || lost > 0 ? Degraded : DependencyChecks.Healthy, 0, detail);
    }
}
