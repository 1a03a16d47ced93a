using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Daedalus.Ingest;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// The queue path: pull onto an Azure Storage queue (Azurite) while serve's worker drains it into PostgreSQL, with
/// every storage call counted. <c>queue-workers</c> measures scale-out: the queue is filled first (untimed), then N
/// worker processes drain it at once.
/// </summary>
public sealed partial class BenchScenarios
{
    private async Task<BenchResult> QueueAsync(long rows, CancellationToken cancellationToken)
    {
        const string name = "bench_queue";
        var source = await QueueSourceAsync(name, rows, cancellationToken);
        using var meter = new StorageMeter();
        var (queue, options) = MeteredQueue($"bench-{Guid.NewGuid():N}"[..20], meter);
        using var worker = new QueueWorker(queue, Handler(queue, options), options, _services.GetRequiredService<ILoggerFactory>().CreateLogger<QueueWorker>());
        await queue.EnsureCreatedAsync(cancellationToken);
        var baseline = meter.Cost;
        var cpu = await CpuAsync(cancellationToken);
        var cpuBefore = cpu.Read();
        using var stages = new StageMeter();
        var watch = Stopwatch.StartNew();
        await worker.StartAsync(cancellationToken);
        var summaries = await PullToQueueAsync(source, queue, cancellationToken);
        await WaitForLedgerAsync(name, summaries.Sum(s => s.Batches), options, cancellationToken);
        watch.Stop();
        var cpuAfter = cpu.Read();
        await worker.StopAsync(cancellationToken);
        var cost = Subtract(meter.Cost, baseline);
        var peak = PeakMemory.Read();
        await DeleteQueueAsync(queue, cancellationToken);
        return WithCpu(new BenchResult("queue path (pull → Azurite queue → serve's worker → load)", summaries.Sum(s => s.RowsRead), watch.Elapsed.TotalSeconds, peak, await Check.VerifyAsync(source, name, 0, cancellationToken), cost), cpuBefore, cpuAfter) with { Stages = stages.Seconds };
    }

    /// <summary>Fills a queue (untimed, no worker), then times <paramref name="workers"/> worker processes draining it together.</summary>
    private async Task<BenchResult> QueueWorkersAsync(long rows, int workers, CancellationToken cancellationToken)
    {
        var name = "bench_queue_" + workers.ToString(CultureInfo.InvariantCulture);
        var source = await QueueSourceAsync(name, rows, cancellationToken);
        using var meter = new StorageMeter();
        var queueName = $"bench-{Guid.NewGuid():N}"[..20];
        var (queue, options) = MeteredQueue(queueName, meter);
        await queue.EnsureCreatedAsync(cancellationToken);
        var summaries = await PullToQueueAsync(source, queue, cancellationToken);
        var batches = summaries.Sum(s => s.Batches);

        var watch = Stopwatch.StartNew();
        var children = Enumerable.Range(0, workers).Select(_ => Commands.BenchCommand.RunChildAsync("drain", rows, 1, queueName, cancellationToken)).ToList();
        await WaitForLedgerAsync(name, batches, options, cancellationToken);
        watch.Stop();
        var drained = await Task.WhenAll(children);
        var peak = drained.Max(d => d.PeakBytes);
        var cost = drained.Select(d => d.Storage!).Aggregate(meter.Cost, (total, next) => total.Add(next));
        await DeleteQueueAsync(queue, cancellationToken);
        return new BenchResult($"queue drain by {workers} worker process{(workers == 1 ? "" : "es")} (queue filled first)", summaries.Sum(s => s.RowsRead), watch.Elapsed.TotalSeconds, peak, await Check.VerifyAsync(source, name, 0, cancellationToken), cost);
    }

    /// <summary>One worker process of <see cref="QueueWorkersAsync"/>: drains the named queue until the ledger holds every batch enqueued to it.</summary>
    private async Task<BenchResult> DrainAsync(long rows, string queueName, CancellationToken cancellationToken)
    {
        using var meter = new StorageMeter();
        var (queue, options) = MeteredQueue(queueName, meter);
        using var worker = new QueueWorker(queue, Handler(queue, options), options, _services.GetRequiredService<ILoggerFactory>().CreateLogger<QueueWorker>());
        var watch = Stopwatch.StartNew();
        await worker.StartAsync(cancellationToken);
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            // Done when nothing this run enqueued is still waiting to load.
            while (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.enqueued_batches WHERE state = 'queued' AND source LIKE 'bench\\_queue\\_%'") > 0)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        await worker.StopAsync(cancellationToken);
        return new BenchResult("drain", rows, watch.Elapsed.TotalSeconds, PeakMemory.Read(), null, meter.Cost);
    }

    private async Task<Configuration.SourceDefinition> QueueSourceAsync(string name, long rows, CancellationToken cancellationToken)
    {
        var source = SampleSourceDefinition.Create(name, rows, name);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Metrics.Clear();
        await ResetAsync(name, cancellationToken);
        await ForgetSourceAsync(name, cancellationToken);
        await _services.GetRequiredService<SourceCatalog>().UpsertAsync(source, "bench", cancellationToken);
        return source;
    }

    private async Task<IReadOnlyList<StreamSummary>> PullToQueueAsync(Configuration.SourceDefinition source, AzureBatchQueue queue, CancellationToken cancellationToken)
    {
        var sink = new QueueSink(queue, _services.GetRequiredService<CursorStore>(), _services.GetRequiredService<BatchPreparer>(), _services.GetRequiredService<EnqueuedBatchStore>());
        return Succeeded(await _services.GetRequiredService<SyncRunner>().RunAsync([source.Name], sink, "bench", null, cancellationToken), "queue pull");
    }

    /// <summary>Waits until the ledger holds every batch; a poisoned batch fails the bench (checked on an unmetered client).</summary>
    private async Task WaitForLedgerAsync(string source, int batches, IOptions<QueueOptions> options, CancellationToken cancellationToken)
    {
        var unmetered = new AzureBatchQueue(_services.GetRequiredService<StorageClients>(), options, TimeProvider.System, _services.GetRequiredService<ILoggerFactory>().CreateLogger<AzureBatchQueue>());
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var polls = 0;
        while (await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM daedalus.batches WHERE source = @source", new { source }) < batches)
        {
            if (++polls % 25 == 0 && (await unmetered.GetDepthAsync(cancellationToken)).Poison > 0)
            {
                throw new InvalidOperationException("bench queue: a batch went to the poison queue");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private (AzureBatchQueue Queue, IOptions<QueueOptions> Options) MeteredQueue(string queueName, StorageMeter meter)
    {
        var connection = _services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"]
            ?? throw new InvalidOperationException("the queue scenarios need AzureWebJobsStorage (a connection string)");
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        queueOptions.AddPolicy(meter, HttpPipelinePosition.PerRetry);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(meter, HttpPipelinePosition.PerRetry);
        var clients = new StorageClients(new QueueServiceClient(connection, queueOptions), new BlobServiceClient(connection, blobOptions));
        var options = Options.Create(new QueueOptions { Name = queueName });
        return (new AzureBatchQueue(clients, options, TimeProvider.System, _services.GetRequiredService<ILoggerFactory>().CreateLogger<AzureBatchQueue>()), options);
    }

    private BatchMessageHandler Handler(AzureBatchQueue queue, IOptions<QueueOptions> options) =>
        new(queue, _services.GetRequiredService<SourceCatalog>(), _services.GetRequiredService<BatchPreparer>(), _services.GetRequiredService<BatchLoader>(), _dataSource, _services.GetRequiredService<EnqueuedBatchStore>(), options, _services.GetRequiredService<ILoggerFactory>().CreateLogger<BatchMessageHandler>());

    private static async Task DeleteQueueAsync(AzureBatchQueue queue, CancellationToken cancellationToken)
    {
        await queue.Batches.DeleteIfExistsAsync(cancellationToken);
        await queue.Poison.DeleteIfExistsAsync(cancellationToken);
        await queue.ClaimChecks.DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    private static StorageCost Subtract(StorageCost total, StorageCost before) => new(
        total.Transactions - before.Transactions, total.MessagesSent - before.MessagesSent, total.BlobBytesWritten - before.BlobBytesWritten, total.EnvelopeBytes - before.EnvelopeBytes, total.StoredBytes - before.StoredBytes);
}
