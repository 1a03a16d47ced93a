namespace Daedalus.Client;

/// <summary>
/// One pull of one source: status (running, succeeded, partial, failed, skipped) and its counters;
/// <see cref="Anomalies"/> lists stream metrics that departed from the usual (empty when none, or not judged).
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
    IReadOnlyList<RunAnomaly>? Anomalies = null);
