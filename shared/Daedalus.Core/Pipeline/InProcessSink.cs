using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Storage;

namespace Daedalus.Pipeline;

/// <summary>Validate → transform → protect (staged ahead) → load in this process; the cursor advances inside the load transaction.</summary>
public sealed class InProcessSink : IBatchSink
{
    private readonly BatchPreparer _preparer;
    private readonly BatchLoader _loader;

    public InProcessSink(BatchPreparer preparer, BatchLoader loader)
    {
        _preparer = preparer;
        _loader = loader;
    }

    public async ValueTask<StagedBatch> StageAsync(Batch batch, SourceDefinition source, CancellationToken cancellationToken) =>
        StagedBatch.Of(batch, source, await _preparer.PrepareAsync(batch, source, advanceCursor: true, cancellationToken));

    /// <summary>The load of this batch starts at once (ledger row, staging COPY) and commits only after <paramref name="previous"/>.</summary>
    public async Task<BatchOutcome> AcceptAsync(StagedBatch staged, Task previous, CancellationToken cancellationToken)
    {
        var prepared = staged.Prepared ?? await _preparer.PrepareAsync(staged.Batch, staged.Source, advanceCursor: true, cancellationToken);
        var result = await _loader.LoadAsync(prepared, previous, cancellationToken);
        return new BatchOutcome(result.Loaded, result.Quarantined, result.Deleted, result.Stale, result.AlreadyLoaded);
    }
}
