using System.ComponentModel.DataAnnotations;

namespace Daedalus.Pipeline;

/// <summary>Bound from <c>Daedalus:Sync</c>.</summary>
public sealed class SyncOptions
{
    /// <summary>Upper bound on rows per batch: bounds memory per batch and the size of each load transaction.</summary>
    [Range(100, 1_000_000)]
    public int MaxBatchRows { get; set; } = 10_000;

    /// <summary>Batches pulled ahead of the loader; with the batch size this bounds memory.</summary>
    [Range(1, 64)]
    public int Prefetch { get; set; } = 2;
}
