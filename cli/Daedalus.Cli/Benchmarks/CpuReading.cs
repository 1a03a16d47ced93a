namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// One reading of <see cref="CpuMeter"/>: CPU seconds of this process and of PostgreSQL, gen2 collections, GC pause seconds,
/// bytes allocated by this process, and the JIT's compilation seconds and compiled methods (tier-up recompilations included).
/// </summary>
public readonly record struct CpuReading(double Client, double Postgres, int Gen2, double Pause, long Allocated, double Jit, long JitMethods);
