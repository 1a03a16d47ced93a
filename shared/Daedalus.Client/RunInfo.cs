using System.Text.Json.Serialization;
using Daedalus.Runs;

namespace Daedalus.Client;

/// <summary>
/// One pull of one source: status (queued, running, loading, succeeded, partial, failed, cancelled, skipped) and its counters;
/// <c>anomalies</c> lists stream metrics that departed from the usual (empty when none, or not judged).
/// <c>batchesPoisoned</c>, <c>batchesLost</c> and <c>rowsNotLoaded</c> count what did not load
/// (batches in the poison queue, batches storage lost, and their rows). <c>cancelRequestedAt</c> is when an operator
/// asked to cancel the run (null when nobody did); the run is <c>cancelled</c> once its pull stopped and its batches settled.
/// <c>status</c> is read and written by <see cref="RunStatusJsonConverter"/> (on the property: serializer options' own enum
/// converter would otherwise win over the enum's attribute and read names in any casing).
/// </summary>
public sealed record RunInfo(
    Guid Id,
    string Source,
    string Trigger,
    [property: JsonConverter(typeof(RunStatusJsonConverter))] RunStatus Status,
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
    long RowsNotLoaded = 0,
    DateTimeOffset? CancelRequestedAt = null);
