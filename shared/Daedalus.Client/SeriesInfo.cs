namespace Daedalus.Client;

/// <summary>A metric series: a name and its labels.</summary>
public sealed record SeriesInfo(long Id, string Metric, IReadOnlyDictionary<string, string> Labels, DateTimeOffset? FirstAt, DateTimeOffset? LastAt);
