namespace Daedalus.Ingest;

/// <summary>What one batch load did. <see cref="AlreadyLoaded"/> means the ledger had it: nothing changed.</summary>
public sealed record LoadResult(string BatchId, bool AlreadyLoaded, int Rows, int Loaded, int Stale, int Deleted, int Quarantined, TimeSpan Duration)
{
    public static LoadResult Skipped(string batchId, int rows) => new(batchId, true, rows, 0, 0, 0, 0, TimeSpan.Zero);
}
