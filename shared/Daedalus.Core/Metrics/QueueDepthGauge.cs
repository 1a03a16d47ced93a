using Daedalus.Queues;
using Npgsql;

namespace Daedalus.Metrics;

/// <summary>The <c>daedalus_queue_depth</c> gauge the pipeline dashboard reads: one point for the batch queue, one for its poison queue.</summary>
public static class QueueDepthGauge
{
    public const string SeriesName = "daedalus_queue_depth";

    public static async Task RecordAsync(NpgsqlConnection connection, string queueName, DateTimeOffset at, QueueDepth depth, CancellationToken cancellationToken)
    {
        await MetricRecorder.RecordGaugeAsync(connection, SeriesName, new Dictionary<string, string> { ["queue"] = queueName }, at, depth.Batches, cancellationToken);
        await MetricRecorder.RecordGaugeAsync(connection, SeriesName, new Dictionary<string, string> { ["queue"] = QueueOptions.PoisonNameOf(queueName) }, at, depth.Poison, cancellationToken);
    }
}
