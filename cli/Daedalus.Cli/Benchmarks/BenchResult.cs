namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// One measured scenario: rows, seconds and the process's peak resident memory (VmHWM). <see cref="Verified"/> says
/// what the self-check compared (null when the scenario has nothing to check). For the queue path,
/// <see cref="Storage"/> holds the storage cost of the run. <see cref="ClientCpuSeconds"/> and
/// <see cref="PostgresCpuSeconds"/> are CPU seconds over the timed part (null when not measured).
/// </summary>
public sealed record BenchResult(string Scenario, long Rows, double Seconds, long PeakBytes, string? Verified = null, StorageCost? Storage = null)
{
    public double? ClientCpuSeconds { get; init; }

    public double? PostgresCpuSeconds { get; init; }

    /// <summary>Collections and pause time of this process's GC during the timed part, e.g. "gen2 3, pause 0.4 s".</summary>
    public string? Gc { get; init; }

    /// <summary>Seconds the batch loads spent per stage (see <see cref="StageMeter"/>), summed over batches.</summary>
    public IReadOnlyDictionary<string, double>? Stages { get; init; }

    public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;
}
