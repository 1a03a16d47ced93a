using System.Diagnostics;
using System.Globalization;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// The update path, which every scheduled run after the first one takes: an untimed initial sync of the sample
/// customers, then a timed second run (the next generation) in which every row changed (<c>changeRate</c> 1) or 1%
/// did, 0.1% of the rows being deletes in both. The changed rows go through staging + merge.
/// </summary>
public sealed partial class BenchScenarios
{
    private async Task<BenchResult> UpdateAsync(long rows, double changeRate, CancellationToken cancellationToken)
    {
        var all = changeRate >= 1;
        var name = all ? "bench_update_all" : "bench_update_some";
        var source = SampleSourceDefinition.Create(name, rows, name);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Metrics.Clear();
        source.Settings["changeRate"] = changeRate.ToString(CultureInfo.InvariantCulture);
        source.Settings["deleteRate"] = "0.001";
        await ResetAsync(name, cancellationToken);
        await ForgetSourceAsync(name, cancellationToken);
        var catalog = _services.GetRequiredService<SourceCatalog>();
        await catalog.UpsertAsync(source, "bench", cancellationToken);
        var runner = _services.GetRequiredService<SyncRunner>();
        var sink = _services.GetRequiredService<InProcessSink>();
        Succeeded(await runner.RunAsync([name], sink, "bench", null, cancellationToken), "initial load");
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            // The initial load's WAL and dirty pages are not the update's cost.
            // (as autovacuum would have done between two scheduled runs).
            await connection.ExecuteAsync("VACUUM ANALYZE " + SqlIdentifier.Quote(name) + ".customers");
            await connection.ExecuteAsync(new CommandDefinition("CHECKPOINT", commandType: System.Data.CommandType.Text, cancellationToken: cancellationToken));
        }

        var cpu = await CpuAsync(cancellationToken);
        var cpuBefore = cpu.Read();
        using var stages = new StageMeter();
        var watch = Stopwatch.StartNew();
        var summaries = Succeeded(await runner.RunAsync([name], sink, "bench", null, cancellationToken), "update run");
        watch.Stop();
        var cpuAfter = cpu.Read();
        var peak = PeakMemory.Read();
        var label = all ? "update path: second run, every row changed (staging + merge)" : "update path: second run, 1% changed (staging + merge)";
        return WithCpu(new BenchResult(label, summaries.Sum(s => s.RowsRead), watch.Elapsed.TotalSeconds, peak, await Check.VerifyAsync(source, name, 1, cancellationToken)), cpuBefore, cpuAfter) with { Stages = stages.Seconds };
    }

    private static IReadOnlyList<StreamSummary> Succeeded(IReadOnlyList<StreamSummary> summaries, string what)
    {
        var failed = summaries.FirstOrDefault(s => s.Status != RunStatus.Succeeded);
        return failed is null ? summaries : throw new InvalidOperationException($"bench {what} did not succeed: {failed.Error}");
    }
}
