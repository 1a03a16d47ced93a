using System.Text.Json;

namespace Daedalus.Client;

/// <summary>
/// One thing that happened in a run, in the order recorded: <c>id</c> ascends within a run; <c>at</c> is UTC;
/// <c>kind</c> is one of run.queued, pull.started, batch.enqueued, stream.pulled, pull.ended, batch.loaded,
/// batch.poisoned, batch.lost, pull.poisoned, run.finished…; <c>stream</c> and <c>batchId</c> are null for run-wide
/// events; <c>detail</c> is a JSON object whose fields depend on the kind (counts, durations in ms, error text).
/// </summary>
public sealed record RunEventInfo(long Id, Guid RunId, DateTimeOffset At, string Kind, string Source, string? Stream, string? BatchId, JsonElement Detail);
