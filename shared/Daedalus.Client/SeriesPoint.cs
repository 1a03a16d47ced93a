namespace Daedalus.Client;

/// <summary>
/// One bucket of one series: its start, the aggregated value (exact: the digits PostgreSQL's <c>numeric</c> holds, so
/// sums of money keep their cents and values beyond <see cref="decimal"/>'s 28 digits keep every digit; a plain JSON
/// number on the wire; null when the bucket has no value for the aggregate) and the series' labels.
/// </summary>
public sealed record SeriesPoint(DateTimeOffset Time, ExactNumber? Value, IReadOnlyDictionary<string, string> Labels);
