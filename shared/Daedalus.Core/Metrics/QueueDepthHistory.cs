using Daedalus.Queues;
using Npgsql;

namespace Daedalus.Metrics;

/// <summary>
/// An hour of plausible <see cref="QueueDepthGauge"/> readings for <c>db seed</c> and the dashboard tests, so the
/// queue panels have data before a scheduler has ever run: the batch queue fills on each 5-minute pull and
/// drains, and two messages land in the poison queue 40 minutes in and stay until replayed.
/// </summary>
public static class QueueDepthHistory
{
    public static async Task WriteAsync(NpgsqlConnection connection, string queueName, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var start = end.AddHours(-1);
        for (var minute = 0; minute <= 60; minute++)
        {
            var sinceTick = minute % 5;
            var batches = sinceTick == 0 ? 24 : Math.Max(0, 24 - (sinceTick * 8));
            var poison = minute >= 40 ? 2 : 0;
            await QueueDepthGauge.RecordAsync(connection, queueName, start.AddMinutes(minute), new QueueDepth(batches, poison), cancellationToken);
        }
    }
}
