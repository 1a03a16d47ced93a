namespace Daedalus.Anomalies;

/// <summary>One value of one run metric of one stream, at the run's start time (UTC).</summary>
public readonly record struct MetricObservation(DateTimeOffset At, double Value);
