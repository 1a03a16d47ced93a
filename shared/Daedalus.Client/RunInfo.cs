namespace Daedalus.Client;

/// <summary>
/// One pull of one source: status (running, loading, succeeded, partial, failed, skipped) and its counters;
/// <see cref="Anomalies"/> lists stream metrics that departed from the usual (empty when none, or not judged).
/// <see cref="BatchesPoisoned"/>, <see cref="BatchesLost"/> and <see cref="RowsNotLoaded"/> count what did not load
/// (batches in the poison queue, batches storage lost, and their rows).
/// </summary>
public sealed record RunInfo(
    Guid Id,
    string Source,
    string Trigger,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long RowsRead,
    long RowsLoaded,
    long RowsQuarantined,
    long RowsDeleted,
    int Batches,
    double? DurationSeconds,
    string? Error,
    IReadOnlyList<RunAnomaly>? Anomalies = null,
    int BatchesPoisoned = 0,
    int BatchesLost = 0,
    long RowsNotLoaded = 0);
