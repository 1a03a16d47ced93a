namespace Daedalus.Client;

/// <summary>
/// Points of every series of a metric that match the labels, re-bucketed to <c>step</c> with
/// <c>aggregate</c>. Flat rows (time, value, labels) suit Grafana's Infinity/JSON data sources.
/// </summary>
public sealed record SeriesPoints(string Metric, string Aggregate, string Step, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SeriesPoint> Points);
