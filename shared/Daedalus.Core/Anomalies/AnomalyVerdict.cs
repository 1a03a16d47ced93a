namespace Daedalus.Anomalies;

/// <summary>
/// How one run metric compares with the stream's usual: <see cref="Expected"/> is the robust centre (median),
/// <see cref="Low"/>..<see cref="High"/> the band outside which a value is an anomaly (in the metric's units),
/// <see cref="Score"/> the signed distance in robust standard deviations (log scale). <see cref="Seasonal"/>: the
/// centre came from the same weekday's runs.
/// </summary>
public sealed record AnomalyVerdict(string Metric, double Value, double Expected, double Low, double High, double Score, bool IsAnomaly, int BaselineRuns, bool Seasonal);
