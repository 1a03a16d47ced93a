using System.Diagnostics;
using System.Globalization;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// CPU seconds spent by this process and by the local PostgreSQL cluster (its postmaster and every child of it: backends,
/// WAL writer, checkpointer), read from /proc. On a shared machine CPU time moves far less with other load than wall
/// time, so it says where the work is: client or database.
/// </summary>
public sealed class CpuMeter
{
    private readonly int? _postmaster;

    public CpuMeter(string? dataDirectory)
    {
        var pidFile = dataDirectory is null ? null : Path.Combine(dataDirectory, "postmaster.pid");
        if (pidFile is not null && File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            _postmaster = pid;
        }
    }

    /// <summary>
    /// CPU seconds of this process and of PostgreSQL, with this process's gen2 collections, GC pause seconds and bytes
    /// allocated so far (allocation does not move with other load on the machine, so it is the steadiest client figure).
    /// </summary>
    public CpuReading Read() =>
        new(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, PostgresSeconds(), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalSeconds, GC.GetTotalAllocatedBytes(precise: true), System.Runtime.JitInfo.GetCompilationTime().TotalSeconds, System.Runtime.JitInfo.GetCompiledMethodCount());

    private double PostgresSeconds()
    {
        if (_postmaster is not { } postmaster || !Directory.Exists("/proc"))
        {
            return 0;
        }

        var ticksPerSecond = 100.0; // USER_HZ on Linux
        double total = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == postmaster || parent == postmaster)
                {
                    total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ticksPerSecond;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }

        return total;
    }
}
