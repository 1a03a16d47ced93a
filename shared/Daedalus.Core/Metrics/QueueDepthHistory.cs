using Npgsql;

namespace Daedalus.Metrics;

/// <summary>
/// An hour of plausible <c>daedalus_queue_depth</c> readings for <c>db seed</c> and the dashboard tests, so the
/// queue panels have data before a scheduler has ever run: the batch queue fills on each 5-minute pull and
/// drains, and two messages land in the poison queue 40 minutes in and stay until replayed.
/// </summary>
public static class QueueDepthHistory
{
    public const string SeriesName = "daedalus_queue_depth";

    public static async Task WriteAsync(NpgsqlConnection connection, string queueName, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var start = end.AddHours(-1);
        for (var minute = 0; minute <= 60; minute++)
        {
            var at = start.AddMinutes(minute);
            var sinceTick = minute % 5;
            var batches = sinceTick == 0 ? 24 : Math.Max(0, 24 - (sinceTick * 8));
            var poison = minute >= 40 ? 2 : 0;
            await MetricRecorder.RecordGaugeAsync(connection, SeriesName, new Dictionary<string, string> { ["queue"] = queueName }, at, batches, cancellationToken);
            await MetricRecorder.RecordGaugeAsync(connection, SeriesName, new Dictionary<string, string> { ["queue"] = queueName + "-poison" }, at, poison, cancellationToken);
        }
    }
}
