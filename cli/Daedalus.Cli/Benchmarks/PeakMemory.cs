namespace Daedalus.Cli.Benchmarks;

/// <summary>The process's peak resident set (VmHWM from /proc/self/status); each scenario runs in its own process.</summary>
public static class PeakMemory
{
    public static long Read()
    {
        const string path = "/proc/self/status";
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
            }
        }

        return Environment.WorkingSet;
    }
}
