using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;

namespace Daedalus.Pipeline;

/// <summary>
/// A batch on its way to a sink, with whatever the sink prepared ahead (null when it prepares nothing).
/// <see cref="RowsRead"/> is the number of source rows in it: once prepared, <see cref="Batch"/> carries no rows (the
/// raw rows are dropped as soon as their prepared form exists, so a batch waiting in the prefetch queue holds one copy
/// of its rows, not two, and fewer objects live long enough to reach the GC's oldest generation).
/// </summary>
public sealed record StagedBatch(Batch Batch, SourceDefinition Source, PreparedBatch? Prepared, int RowsRead)
{
    /// <summary>A batch and its prepared form; the batch's raw rows are released.</summary>
    public static StagedBatch Of(Batch batch, SourceDefinition source, PreparedBatch prepared) =>
        new(batch with { Records = [] }, source, prepared, batch.Records.Count);
}
