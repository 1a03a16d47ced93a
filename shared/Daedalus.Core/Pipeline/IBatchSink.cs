using Daedalus.Batching;
using Daedalus.Configuration;

namespace Daedalus.Pipeline;

/// <summary>
/// Where pulled batches go: straight into PostgreSQL (in-process sync) or onto the queue (scheduled pulls).
/// <see cref="StageAsync"/> runs on the reading side, ahead of <see cref="AcceptAsync"/>, so CPU work
/// (QA, protection) overlaps with the previous batch's load. Batches are accepted strictly in order;
/// the sink owns advancing the stream cursor once a batch is safe.
/// </summary>
public interface IBatchSink
{
    ValueTask<StagedBatch> StageAsync(Batch batch, SourceDefinition source, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts <paramref name="staged"/> once <paramref name="previous"/> completes: that is when the previous batch
    /// of the stream is safe and the caller still wants this one. Before that a sink may only do work nobody else
    /// can see (an uncommitted transaction); it makes the batch visible (commit, enqueue, cursor) only after. When
    /// <paramref name="previous"/> is cancelled, the batch is abandoned and this throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<BatchOutcome> AcceptAsync(StagedBatch staged, Task previous, CancellationToken cancellationToken);
}
