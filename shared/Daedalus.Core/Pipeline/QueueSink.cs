using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Queues;
using Daedalus.Storage;

namespace Daedalus.Pipeline;

/// <summary>Scheduled pulls: enqueue the batch, and only once it is durably on the queue advance the stream cursor.</summary>
public sealed class QueueSink : IBatchSink
{
    private readonly IBatchQueue _queue;
    private readonly CursorStore _cursors;

    public QueueSink(IBatchQueue queue, CursorStore cursors)
    {
        _queue = queue;
        _cursors = cursors;
    }

    /// <summary>Nothing to prepare ahead: ingest prepares on the queue's side.</summary>
    public ValueTask<StagedBatch> StageAsync(Batch batch, SourceDefinition source, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StagedBatch(batch, source, null));

    public async Task<BatchOutcome> AcceptAsync(StagedBatch staged, CancellationToken cancellationToken)
    {
        var batch = staged.Batch;
        await _queue.EnqueueAsync(batch, cancellationToken);
        if (batch.CursorTo is not null)
        {
            await _cursors.AdvanceAsync(batch.Source, batch.Stream, batch.CursorTo, cancellationToken);
        }

        return new BatchOutcome(0, 0, 0, 0, false, Enqueued: true);
    }
}
