using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Queues;
using Daedalus.Storage;

namespace Daedalus.Pipeline;

/// <summary>Scheduled pulls: enqueue the batch, and only once it is durably on the queue advance the stream cursor.</summary>
public sealed class QueueSink : IBatchSink
{
    private readonly IBatchQueue _queue;
    private readonly CursorStore _cursors;
    private readonly BatchPreparer _preparer;
    private readonly EnqueuedBatchStore _enqueued;

    public QueueSink(IBatchQueue queue, CursorStore cursors, BatchPreparer preparer, EnqueuedBatchStore enqueued)
    {
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

    public async Task<BatchOutcome> AcceptAsync(StagedBatch staged, CancellationToken cancellationToken)
    {
        var batch = staged.Prepared is null ? staged.Batch : BatchPreparer.ToProtected(staged.Prepared);
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

        return new BatchOutcome(0, batch.Quarantined?.Count ?? 0, 0, 0, false, Enqueued: true);
    }
}
