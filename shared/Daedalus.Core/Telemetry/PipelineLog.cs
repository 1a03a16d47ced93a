using Microsoft.Extensions.Logging;

namespace Daedalus.Telemetry;

/// <summary>
/// The pipeline's Information lines, with source, stream, run id, batch id and counts as structured fields (the same
/// names everywhere, so a log query can follow one run). Both hosts log them: <c>serve</c> at its default level, the
/// Functions app through host.json's <c>Daedalus</c> category.
/// </summary>
public static partial class PipelineLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Run {RunId}: pull of {Source} queued (trigger {Trigger})")]
    public static partial void PullQueued(ILogger logger, Guid runId, string source, string trigger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Run {RunId}: pulling {Source}, part {Part}, {Streams} streams from #{FirstStream} (trigger {Trigger})")]
    public static partial void PullStarted(ILogger logger, Guid runId, string source, int part, int streams, int firstStream, string trigger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Run {RunId}: batch {BatchId} of {Source}/{Stream} (sequence {Sequence}) enqueued: {Rows} rows, {Quarantined} quarantined before the queue")]
    public static partial void BatchEnqueued(ILogger logger, Guid runId, string batchId, string source, string stream, int sequence, int rows, int quarantined);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Run {RunId}: {Source}/{Stream} pulled: {Status}, {RowsRead} rows in {Batches} batches, {DurationMs} ms")]
    public static partial void StreamPulled(ILogger logger, Guid runId, string source, string stream, string status, long rowsRead, int batches, long durationMs);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Run {RunId}: batch {BatchId} of {Source}/{Stream} (sequence {Sequence}) loaded {Loaded} of {Rows} rows, {Quarantined} quarantined, {Deleted} deleted, {Stale} stale, {DurationMs} ms")]
    public static partial void BatchLoaded(ILogger logger, Guid runId, string batchId, string source, string stream, int sequence, int loaded, int rows, int quarantined, int deleted, int stale, long durationMs);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Run {RunId}: batch {BatchId} of {Source}/{Stream} (sequence {Sequence}) was already loaded; nothing written")]
    public static partial void BatchAlreadyLoaded(ILogger logger, Guid runId, string batchId, string source, string stream, int sequence);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Run {RunId}: pull of {Source} ended: {Status}, {Streams} streams pulled, continues: {Continues}")]
    public static partial void PullEnded(ILogger logger, Guid runId, string source, string status, int streams, bool continues);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Batch {BatchId} ({Source}/{Stream}) went to the poison queue: {Error}")]
    public static partial void BatchPoisoned(ILogger logger, string? batchId, string? source, string? stream, string error);
}
