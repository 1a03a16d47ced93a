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

    public async Task<BatchOutcome> AcceptAsync(StagedBatch staged, CancellationToken cancellationToken)
    {
        var prepared = staged.Prepared ?? await _preparer.PrepareAsync(staged.Batch, staged.Source, advanceCursor: true, cancellationToken);
        var result = await _loader.LoadAsync(prepared, cancellationToken);
        return new BatchOutcome(result.Loaded, result.Quarantined, result.Deleted, result.Stale, result.AlreadyLoaded);
    }
}
