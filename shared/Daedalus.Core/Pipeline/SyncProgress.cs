namespace Daedalus.Pipeline;

/// <summary>A live progress tick for one stream.</summary>
public sealed record SyncProgress(string Source, string Stream, long RowsRead, long RowsLoaded, int Batches, bool Done);
