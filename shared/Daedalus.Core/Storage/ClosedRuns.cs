namespace Daedalus.Storage;

/// <summary>
/// Runs nobody could finish any more (their process died, or their pull request was lost or poisoned), closed by
/// <see cref="RunStore"/>: <see cref="Failed"/> as failed, <see cref="Cancelled"/> as cancelled because an operator had
/// asked to cancel them before. Either may still be <c>loading</c> while batches they enqueued settle.
/// </summary>
public readonly record struct ClosedRuns(int Failed, int Cancelled)
{
    public int Total => Failed + Cancelled;
}
