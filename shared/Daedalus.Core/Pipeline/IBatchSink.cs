using Daedalus.Batching;
using Daedalus.Configuration;

namespace Daedalus.Pipeline;

/// <summary>
/// Where pulled batches go: straight into PostgreSQL (in-process sync) or onto the queue (scheduled pulls).
/// The sink owns advancing the stream cursor once the batch is safe.
/// </summary>
public interface IBatchSink
{
    Task<BatchOutcome> AcceptAsync(Batch batch, SourceDefinition source, CancellationToken cancellationToken);
}
