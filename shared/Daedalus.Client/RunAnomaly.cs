namespace Daedalus.Client;

/// <summary>
/// A run metric of one stream that departed from its usual: <c>metric</c> is rows, change_rate,
/// quarantine_rate or duration_seconds; <c>expected</c> the usual value (robust median) and
/// <c>low</c>..<c>high</c> the band outside which a value is flagged; <c>score</c> the
/// distance in robust standard deviations (log scale, signed). <c>seasonal</c>: compared with the same
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
