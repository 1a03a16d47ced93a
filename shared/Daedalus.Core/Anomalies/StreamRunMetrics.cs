namespace Daedalus.Anomalies;

/// <summary>
/// What one stream looked like in one run: rows read, change rate (rows read / rows in the target table; null
/// when the table's size is unknown), quarantine rate (quarantined / read; null while batches are still queued)
/// and wall-clock seconds.
/// </summary>
public sealed record StreamRunMetrics(Guid RunId, string Stream, double Rows, double? ChangeRate, double? QuarantineRate, double DurationSeconds)
{
    public double? this[MetricProfile metric] => metric.Name switch
    {
        "rows" => Rows,
        "change_rate" => ChangeRate,
        "quarantine_rate" => QuarantineRate,
        "duration_seconds" => DurationSeconds,
        _ => null,
    };
}
