using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Queues;
using Daedalus.Storage;
using Daedalus.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daedalus.Pipeline;

/// <summary>Scheduled pulls: enqueue the batch, and only once it is durably on the queue advance the stream cursor.</summary>
public sealed class QueueSink : IBatchSink
{
    private readonly IBatchQueue _queue;
    private readonly CursorStore _cursors;
    private readonly BatchPreparer _preparer;
    private readonly EnqueuedBatchStore _enqueued;
    private readonly ILogger _logger;

    public QueueSink(IBatchQueue queue, CursorStore cursors, BatchPreparer preparer, EnqueuedBatchStore enqueued, ILogger<QueueSink>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _queue = queue;
        _cursors = cursors;
        _preparer = preparer;
        _enqueued = enqueued;
    }

    /// <summary>QA, renames and protection happen here, before the queue: protected columns never travel in clear.</summary>
    public async ValueTask<StagedBatch> StageAsync(Batch batch, SourceDefinition source, CancellationToken cancellationToken)
    {
        var prepared = await _preparer.PrepareAsync(batch, source, advanceCursor: false, cancellationToken);
        return StagedBatch.Of(batch, source, prepared);
    }

    /// <summary>Enqueues after <paramref name="previous"/>: messages and the cursor move in stream order.</summary>
    public async Task<BatchOutcome> AcceptAsync(StagedBatch staged, Task previous, CancellationToken cancellationToken)
    {
        await previous;
        using var span = DaedalusTracing.Source.StartActivity(DaedalusTracing.BatchEnqueueSpan, System.Diagnostics.ActivityKind.Producer);
        var batch = (staged.Prepared is null ? staged.Batch : BatchPreparer.ToProtected(staged.Prepared)) with { TraceParent = DaedalusTracing.CurrentTraceParent() };
        span?.SetTag("daedalus.run_id", batch.RunId.ToString());
        span?.SetTag("daedalus.batch_id", batch.BatchId);
        span?.SetTag("daedalus.source", batch.Source);
        span?.SetTag("daedalus.stream", batch.Stream);
        // Recorded before the send: the run then waits for this batch, and a batch storage loses is noticed.
        await _enqueued.RecordQueuedAsync(batch, cancellationToken);
        try
        {
            await _queue.EnqueueAsync(batch, cancellationToken);
        }
        catch
        {
            await _enqueued.ForgetAsync(batch.BatchId, batch.RunId, CancellationToken.None);
            throw;
        }

        if (batch.CursorTo is not null)
        {
            await _cursors.AdvanceAsync(batch.Source, batch.Stream, batch.CursorTo, cancellationToken);
        }

        PipelineLog.BatchEnqueued(_logger, batch.RunId, batch.BatchId, batch.Source, batch.Stream, batch.Sequence, batch.Records.Count, batch.Quarantined?.Count ?? 0);
        return new BatchOutcome(0, batch.Quarantined?.Count ?? 0, 0, 0, false, Enqueued: true);
    }
}
