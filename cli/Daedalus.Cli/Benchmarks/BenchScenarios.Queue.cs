using System.Diagnostics;
using Daedalus.Ingest;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Cli.Benchmarks;

/// <summary>The queue path: pull onto an Azure Storage queue (Azurite) while serve's worker drains it into PostgreSQL.</summary>
public sealed partial class BenchScenarios
{
    private async Task<BenchResult> QueueAsync(long rows, CancellationToken cancellationToken)
    {
        var source = SampleSourceDefinition.Create("bench_queue", rows, "bench_queue");
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Metrics.Clear();
        await ResetAsync("bench_queue", cancellationToken);
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync("DELETE FROM daedalus.batches WHERE source = 'bench_queue'; DELETE FROM daedalus.cursors WHERE source = 'bench_queue'");
        }

        await _services.GetRequiredService<SourceCatalog>().UpsertAsync(source, "bench", cancellationToken);
        var options = Options.Create(new QueueOptions { Name = $"bench-{Guid.NewGuid():N}"[..20] });
        var loggers = _services.GetRequiredService<ILoggerFactory>();
        var queue = new AzureBatchQueue(_services.GetRequiredService<StorageClients>(), options, TimeProvider.System, loggers.CreateLogger<AzureBatchQueue>());
        var handler = new BatchMessageHandler(queue, _services.GetRequiredService<SourceCatalog>(), _services.GetRequiredService<BatchPreparer>(), _services.GetRequiredService<BatchLoader>(), _dataSource, _services.GetRequiredService<EnqueuedBatchStore>(), options, loggers.CreateLogger<BatchMessageHandler>());
        using var worker = new QueueWorker(queue, handler, options, loggers.CreateLogger<QueueWorker>());
        await queue.EnsureCreatedAsync(cancellationToken);

        var watch = Stopwatch.StartNew();
        await worker.StartAsync(cancellationToken);
        var summaries = await _services.GetRequiredService<SyncRunner>().RunAsync([source.Name], new QueueSink(queue, _services.GetRequiredService<CursorStore>(), _services.GetRequiredService<BatchPreparer>(), _services.GetRequiredService<EnqueuedBatchStore>()), "bench", null, cancellationToken);
        var failed = summaries.FirstOrDefault(s => s.Status != RunStore.Succeeded);
        if (failed is not null)
        {
            throw new InvalidOperationException($"bench queue pull did not succeed: {failed.Error}");
        }

        var batches = summaries.Sum(s => s.Batches);
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            while (await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM daedalus.batches WHERE source = 'bench_queue'") < batches)
            {
                if ((await queue.GetDepthAsync(cancellationToken)).Poison > 0)
                {
                    throw new InvalidOperationException("bench queue: a batch went to the poison queue");
                }

                await Task.Delay(20, cancellationToken);
            }
        }

        watch.Stop();
        await worker.StopAsync(cancellationToken);
        await queue.Batches.DeleteIfExistsAsync(cancellationToken);
        await queue.Poison.DeleteIfExistsAsync(cancellationToken);
        await queue.ClaimChecks.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        return new BenchResult("queue path (pull → Azurite queue → serve's worker → load)", summaries.Sum(s => s.RowsRead), watch.Elapsed.TotalSeconds, PeakMemory.Read());
    }
}
