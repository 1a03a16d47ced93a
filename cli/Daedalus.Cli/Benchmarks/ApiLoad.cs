using System.Diagnostics;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// A closed-loop HTTP load generator: <c>connections</c> workers, each sending its next request as soon as the last
/// answer arrived, for a fixed duration after a warm-up. Records every latency for exact percentiles.
/// </summary>
public static class ApiLoad
{
    public sealed record Result(string Path, int Connections, long Requests, long Errors, double Seconds, double P50Ms, double P99Ms, double MaxMs)
    {
        public double RequestsPerSecond => Requests / Seconds;
    }

    public static async Task<Result> RunAsync(HttpClient http, string path, int connections, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        await LoopAsync(http, path, connections, warmup, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var perWorker = await LoopAsync(http, path, connections, duration, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var latencies = perWorker.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        return new Result(path, connections, latencies.Length, perWorker.Sum(w => w.Errors), seconds, Percentile(0.50), Percentile(0.99), latencies.Length == 0 ? 0 : latencies[^1]);
    }

    private static async Task<(List<double> Latencies, long Errors)[]> LoopAsync(HttpClient http, string path, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(
            async () =>
            {
                var latencies = new List<double>(4096);
                long errors = 0;
                while (Stopwatch.GetTimestamp() < end)
                {
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        errors++;
                    }
                }

                return (latencies, errors);
            },
            cancellationToken));
        return await Task.WhenAll(workers);
    }
}
