namespace Daedalus.Client;

/// <summary>
/// A run metric of one stream that departed from its usual: <see cref="Metric"/> is rows, change_rate,
/// quarantine_rate or duration_seconds; <see cref="Expected"/> the usual value (robust median) and
/// <see cref="Low"/>..<see cref="High"/> the band outside which a value is flagged; <see cref="Score"/> the
/// distance in robust standard deviations (log scale, signed). <see cref="Seasonal"/>: compared with the same
/// weekday's runs. See docs/alerting.md.
/// </summary>
public sealed record RunAnomaly(
    Guid RunId,
    string Source,
    string Stream,
    string Metric,
    double Value,
    double Expected,
    double Low,
    double High,
    double Score,
    int BaselineRuns,
    bool Seasonal,
    DateTimeOffset DetectedAt);
