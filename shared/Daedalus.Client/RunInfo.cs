namespace Daedalus.Client;

/// <summary>
/// One pull of one source: status (running, loading, succeeded, partial, failed, skipped) and its counters;
/// <c>anomalies</c> lists stream metrics that departed from the usual (empty when none, or not judged).
/// <c>batchesPoisoned</c>, <c>batchesLost</c> and <c>rowsNotLoaded</c> count what did not load
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
