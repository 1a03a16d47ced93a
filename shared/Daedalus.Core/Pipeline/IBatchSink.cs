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

    Task<BatchOutcome> AcceptAsync(StagedBatch staged, CancellationToken cancellationToken);
}
