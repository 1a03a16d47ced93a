namespace Daedalus.Cli.Benchmarks;

/// <summary>One measured scenario: rows, seconds and the process's peak resident memory (VmHWM).</summary>
public sealed record BenchResult(string Scenario, long Rows, double Seconds, long PeakBytes)
{
    public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;
}
