namespace Daedalus.Anomalies;

/// <summary>An anomalous verdict on one stream of a run.</summary>
public sealed record StreamAnomaly(string Stream, AnomalyVerdict Verdict);
