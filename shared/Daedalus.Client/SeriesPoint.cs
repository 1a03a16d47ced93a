namespace Daedalus.Client;

/// <summary>
/// One bucket of one series: its start, the aggregated value (an exact decimal: sums of money keep their cents, serialized
/// as a JSON number without binary float noise; null when the bucket has no value for the aggregate) and the series' labels.
/// </summary>
public sealed record SeriesPoint(DateTimeOffset Time, decimal? Value, IReadOnlyDictionary<string, string> Labels);
