using Daedalus.Configuration;
using Daedalus.Runs;
using Daedalus.Storage;

namespace Daedalus.Anomalies;

/// <summary>
/// When a run finishes: records its per-stream metrics and, for a succeeded run, judges each against the
/// stream's earlier succeeded runs (<see cref="AnomalyDetector"/>), storing what departs from the usual.
/// </summary>
public sealed class RunAnomalyMonitor
{
    private readonly RunAnomalyStore _store;

    public RunAnomalyMonitor(RunAnomalyStore store)
    {
        _store = store;
    }

    public async Task<IReadOnlyList<StreamAnomaly>> AssessAsync(RunRecord run, SourceDefinition? source, CancellationToken cancellationToken)
    {
        if (run.Status is RunStatus.Running or RunStatus.Skipped)
        {
            return [];
        }

        var recorded = await _store.RecordAsync(run, source, cancellationToken);
        if (run.Status != RunStatus.Succeeded)
        {
            // A failed or partial run is already news, and its counts are cut short: not judged.
            return [];
        }

        var at = new DateTimeOffset(DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc));
        var anomalies = new List<StreamAnomaly>();
        foreach (var current in recorded)
        {
            var history = await _store.HistoryAsync(run.Source, current.Stream, at, cancellationToken);
            foreach (var metric in MetricProfile.All)
            {
                if (current[metric] is not { } value)
                {
                    continue;
                }

                var past = history.Where(h => h.Metrics[metric] is not null).Select(h => new MetricObservation(h.At, h.Metrics[metric]!.Value)).ToList();
                if (AnomalyDetector.Assess(metric, past, new MetricObservation(at, value)) is { IsAnomaly: true } verdict)
                {
                    anomalies.Add(new StreamAnomaly(current.Stream, verdict));
                }
            }
        }

        await _store.SaveAsync(run, anomalies, cancellationToken);
        return anomalies;
    }
}
