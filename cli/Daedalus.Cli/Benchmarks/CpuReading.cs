namespace Daedalus.Cli.Benchmarks;

/// <summary>One reading of <see cref="CpuMeter"/>: CPU seconds of this process and of PostgreSQL, gen2 collections, GC pause seconds and bytes allocated by this process.</summary>
public readonly record struct CpuReading(double Client, double Postgres, int Gen2, double Pause, long Allocated);
