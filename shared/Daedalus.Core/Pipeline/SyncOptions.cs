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

    /// <summary>
    /// How long one part of a queued pull may read before it stops at the next batch boundary, stores its cursors and
    /// enqueues its continuation: well under the Functions timeout (host.json <c>functionTimeout</c>, 10 minutes), with
    /// room for the batches in flight. <c>daedalus sync</c> pulls in-process without a limit.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:08:00")]
    public TimeSpan PullTimeLimit { get; set; } = TimeSpan.FromMinutes(4);
}
