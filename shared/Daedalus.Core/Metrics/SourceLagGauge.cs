using Daedalus.Api;
using Npgsql;

namespace Daedalus.Metrics;

/// <summary>
/// The <c>daedalus_source_lag_seconds</c> gauge (label <c>source</c>) the pipeline dashboard's "Lag per source"
/// reads: the lag <c>/api/v1/status</c> reports (<see cref="SourceFreshnessReader"/>: seconds past the run the schedule
/// expected after the last success, 0 when on time), one reading per enabled source on each scheduler tick.
/// Same name and label as the Prometheus gauge. Disabled sources get no reading: they are not expected to run.
/// </summary>
public static class SourceLagGauge
{
    public const string SeriesName = "daedalus_source_lag_seconds";

    public static async Task RecordAsync(NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var freshness = await new SourceFreshnessReader(dataSource, clock).ReadAsync(cancellationToken);
        var at = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var source in freshness.Where(f => f.Enabled))
        {
            await MetricRecorder.RecordGaugeAsync(connection, SeriesName, new Dictionary<string, string> { ["source"] = source.Name }, at, source.LagSeconds, cancellationToken);
        }
    }
}
