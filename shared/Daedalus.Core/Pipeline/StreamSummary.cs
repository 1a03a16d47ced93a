using Daedalus.Runs;

namespace Daedalus.Pipeline;

/// <summary>The closing numbers for one stream of one run.</summary>
public sealed record StreamSummary(
    Guid RunId,
    string Source,
    string Stream,
    RunStatus Status,
    long RowsRead,
    long RowsLoaded,
    long Quarantined,
    long Deleted,
    long Stale,
    int Batches,
    TimeSpan Duration,
    string? Error)
{
    public double RowsPerSecond => Duration.TotalSeconds > 0 ? RowsRead / Duration.TotalSeconds : 0;
}
